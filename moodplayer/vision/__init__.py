"""Camera frames to a stable mood: sources, face detector, classifier, tracker (no Qt)."""

import cv2

# OpenCV's own warnings ("can't open camera by index", "can't open/read file") would
# repeat what our sources and commands already tell the user, in plainer words.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
# The vision worker keeps to one core; OpenCV would otherwise spread resizes over all.
cv2.setNumThreads(1)
