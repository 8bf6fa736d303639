"""FER2013 / FER+ reading and the training targets (no dataset, no TensorFlow needed)."""

import numpy as np
import pytest

from moodplayer.training.train import class_weights, training_targets, validation_targets
from moodplayer.vision.fer_data import FerRows, read_fer2013

# neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF
VOTES = np.array([
    [0, 10, 0, 0, 0, 0, 0, 0, 0, 0],   # happy
    [2, 0, 0, 0, 6, 2, 0, 0, 0, 0],    # angry, some neutral and disgust
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 10],   # not a face
    [1, 0, 0, 0, 0, 0, 0, 6, 3, 0],    # contempt
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],    # no votes
])


def _rows(images=None):
    images = images if images is not None else np.arange(5 * 48 * 48).reshape(5, 48, 48) % 251 + 1
    return FerRows(images.astype(np.uint8), np.array([3, 0, 6, 6, 2]), VOTES.copy())


def test_ferplus_majority_maps_to_our_classes_and_drops_the_rest():
    assert _rows().ferplus_majority().tolist() == [3, 0, -1, -1, -1]


def test_ferplus_soft_labels_in_our_order():
    soft = _rows().ferplus_soft()
    assert soft[0].tolist() == [0, 0, 0, 1, 0, 0, 0]
    assert soft[1] == pytest.approx([0.6, 0.2, 0, 0, 0, 0, 0.2])
    assert soft[4].sum() == 0


def test_training_targets_leave_out_non_faces_black_images_and_test_copies():
    train = _rows()
    images = train.images.copy()
    images[1] = 0  # all black
    train = FerRows(images, train.labels, train.votes)
    val = FerRows(train.images[[0]], np.array([3]), VOTES[[0]])  # row 0 also in PublicTest
    kept_images, targets, keep = training_targets(train, val)
    assert keep.sum() == len(kept_images)
    # row 0: copy of a test image; row 1: black; row 2: NF; row 4: no votes -> only row 3 stays
    assert len(kept_images) == 1 and np.array_equal(kept_images[0], train.images[3])
    assert targets[0][6] == pytest.approx(1.0)  # contempt/unknown votes dropped: neutral remains


def test_validation_targets_are_the_majority_labels():
    images, targets = validation_targets(_rows())
    assert len(images) == 2
    assert np.argmax(targets, axis=1).tolist() == [3, 0]


def test_class_weights_favour_rare_classes():
    targets = np.eye(7)[[3] * 90 + [1] * 10]
    weights = class_weights(targets, 0.5)
    assert weights[1] > weights[3]
    assert (targets @ weights).mean() == pytest.approx(1.0)


def test_read_fer2013_rejects_short_rows(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("emotion,pixels,Usage\n3,1 2 3,Training\n")
    with pytest.raises(ValueError, match="expected 2304 pixels"):
        read_fer2013(path)
