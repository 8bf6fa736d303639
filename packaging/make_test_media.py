"""Makes tests/data/astronaut.png, astronaut.mp4 and noface.mp4 (run once; needs scikit-image)."""

import subprocess
import sys

import cv2
import numpy as np
import skimage.data

out = sys.argv[1]
rgb = skimage.data.astronaut()
bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
cv2.imwrite(f"{out}/astronaut.png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, 9])
W, H, FPS = 640, 480, 10


def write(name, frames):
    # MPEG-4 part 2 ("mp4v", what cv2.VideoWriter writes) through ffmpeg for a smaller file.
    cmd = [
        "ffmpeg",
        "-y",
        "-loglevel",
        "error",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "bgr24",
        "-s",
        f"{W}x{H}",
        "-r",
        str(FPS),
        "-i",
        "-",
        "-c:v",
        "mpeg4",
        "-vtag",
        "mp4v",
        "-q:v",
        "6",
        "-g",
        "100",
        "-pix_fmt",
        "yuv420p",
        f"{out}/{name}",
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    for f in frames:
        proc.stdin.write(np.ascontiguousarray(f).tobytes())
    proc.stdin.close()
    assert proc.wait() == 0


def face_frames(n):
    face = np.array([225.0, 130.0])  # face centre in the photo
    for i in range(n):
        a = i / (n - 1)
        s = 0.75 + 0.45 * np.sin(np.pi * a)  # 0.75 -> 1.2 -> 0.75
        target = np.array([200 + 240 * a, 200 + 60 * np.sin(2 * np.pi * a)])
        m = np.array([[s, 0, target[0] - s * face[0]], [0, s, target[1] - s * face[1]]])
        yield cv2.warpAffine(bgr, m, (W, H), flags=cv2.INTER_LINEAR, borderValue=(90, 90, 90))


def noface_frames(n):
    flag = bgr[:, 0:120]  # the flag at the left of the photo: no face, nothing face-like
    for i in range(n):
        m = np.array([[1.25 + 0.02 * i, 0, 150 + 8 * i], [0, 1.25, -60]], dtype=float)
        yield cv2.warpAffine(flag, m, (W, H), borderValue=(90, 90, 90))


write("astronaut.mp4", face_frames(60))
write("noface.mp4", noface_frames(20))
