#!/bin/bash
# usage: run.sh loopback|netns  N  SIZE
set -e
mode=$1; n=$2; size=$3; p=ct$$
stat() { head -1 /proc/stat; for k in /proc/[0-9]*; do c=$(cat $k/comm 2>/dev/null) || continue; case $c in ksoftirqd*) echo "$c $(cut -d' ' -f14,15 $k/stat)";; esac; done; }
if [ $mode = netns ]; then
  trap 'ip netns del $p-a; ip netns del $p-b; ip netns del $p-hub' EXIT
  ip netns add $p-hub; ip netns add $p-a; ip netns add $p-b
  ip -n $p-hub link add br0 type bridge; ip -n $p-hub link set br0 mtu 9000 up
  for x in a b; do
    ip link add v-$x netns $p-hub mtu 9000 type veth peer name eth0 netns $p-$x mtu 9000
    ip -n $p-hub link set v-$x master br0 up
    ip -n $p-$x link set eth0 up; ip -n $p-$x link set lo up
    tc -n $p-$x qdisc add dev eth0 root tbf rate 10000000000bit burst 5000000 limit 62500000
    tc -n $p-hub qdisc add dev v-$x root tbf rate 10000000000bit burst 5000000 limit 62500000
  done
  ip -n $p-a addr add 10.88.0.1/24 dev eth0; ip -n $p-b addr add 10.88.0.2/24 dev eth0
  RX="ip netns exec $p-b"; TX="ip netns exec $p-a"; dst=10.88.0.2
else RX=""; TX=""; dst=127.0.0.1; fi
$RX python3 recv.py $dst > recv.out & rp=$!; sleep 0.5
stat > stat0; $TX python3 send.py $dst $n $size > send.out; wait $rp; stat > stat1
cat send.out recv.out; paste -d' ' stat0 stat1 | awk '{print}' | head -1 | awk '{print "softirq ticks", $19-$8}'
paste -d' ' stat0 stat1 | tail -n +2 | awk '{print $1, "ticks", ($5+$6)-($2+$3)}'
