# qr_svg.py HTML PBM: the first inline SVG QR code of HTML (pf_qr_svg()
# paths, one unit per module) as a PBM image, 8 pixels a module, for zbarimg.
import re, sys
h = open(sys.argv[1]).read()
m = re.search(r'<svg[^>]*viewBox="0 0 (\d+) (\d+)"', h)
n = int(m.group(1)); s = 8
d = re.search(r'<path fill="#000" d="([^"]*)"', h).group(1)
grid = [[0]*n for _ in range(n)]
for x, y in re.findall(r'M(\d+) (\d+)h1v1h-1z', d):
    grid[int(y)][int(x)] = 1
with open(sys.argv[2], 'w') as f:
    f.write("P1\n%d %d\n" % (n*s, n*s))
    for row in grid:
        line = " ".join(str(v) for v in row for _ in range(s))
        for _ in range(s): f.write(line + "\n")
