import socket, sys, os, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind((sys.argv[1], 5555)); s.settimeout(2.0)
got = 0; buf = bytearray(65536)
t0 = os.times()
try:
    while True:
        n = s.recv_into(buf); got += n
except socket.timeout:
    pass
t1 = os.times()
print('recv bytes %d user %.2f sys %.2f' % (got, t1.user - t0.user, t1.system - t0.system), flush=True)
