"""MoodPlayer: plays music from your own library to match the mood on your face."""

import os

__version__ = "0.1.0"

# OpenCV reads its decoder pixel limit once, when cv2 is first imported: set here, before any
# import of cv2, so a huge image is refused before it is allocated (see vision.still).
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", "40000000")
