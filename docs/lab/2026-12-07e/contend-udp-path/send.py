import socket, sys, os, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 2 << 20)
payload = b'x' * int(sys.argv[3]); n = int(sys.argv[2]); dst = (sys.argv[1], 5555)
t0 = os.times(); w0 = time.time()
for i in range(n):
    s.sendto(payload, dst)
    if i % 64 == 63: time.sleep(0.0005)
t1 = os.times()
print('send n %d user %.2f sys %.2f wall %.2f' % (n, t1.user - t0.user, t1.system - t0.system, time.time() - w0), flush=True)
