"""Training and int8 export of the emotion model (optional extra `[train]`).

Needs TensorFlow/Keras; the app never imports this package.
"""
