"""The stand-in's detector: a constant YOLOv8 output table, decoded as ultralytics decodes it."""

import numpy as np


def letterbox_geometry(width, height, imgsz):
    """Scale and padding ultralytics' LetterBox(auto=False, center=True) applies to fit an image into imgsz²."""
    gain = min(imgsz / height, imgsz / width)
    pad_x = round((imgsz - width * gain) / 2 - 0.1)
    pad_y = round((imgsz - height * gain) / 2 - 0.1)
    return gain, pad_x, pad_y


def fit_table(items, class_count, imgsz):
    """
    "Trains" the constant detector on (width, height, boxes) items: per class and image quadrant, the median
    normalised box of the training labels there, placed in model-input pixels through the letterbox of the first
    image's size, scored 0.5 + 0.45 × the share of images holding such a box. The first box of each class comes
    with two more anchors: the same box shifted by a tenth of its width and scored 0.1 lower (NMS removes it), and
    a tiny box scored 0.05 (below any sensible threshold). Returns the [4 + nc, N] table.
    """
    if not items:
        raise ValueError("the training split is empty")
    width, height = items[0][0], items[0][1]
    gain, pad_x, pad_y = letterbox_geometry(width, height, imgsz)

    def quadrant(box):
        return (box[1] >= 0.5, box[2] >= 0.5)

    columns = []
    for class_id in range(class_count):
        first = True
        for q in sorted({quadrant(b) for _, _, boxes in items for b in boxes if b[0] == class_id}):
            boxes = [b for _, _, item_boxes in items for b in item_boxes if b[0] == class_id and quadrant(b) == q]
            share = sum(1 for _, _, item_boxes in items if any(b[0] == class_id and quadrant(b) == q for b in item_boxes)) / len(items)
            cx, cy, w, h = (float(np.median([b[i] for b in boxes])) for i in range(1, 5))
            box = (cx * width * gain + pad_x, cy * height * gain + pad_y, w * width * gain, h * height * gain)
            score = 0.5 + 0.45 * share
            anchors = [(0.0, score, None)] + ([(0.1 * box[2], score - 0.1, None), (0.0, 0.05, 4.0)] if first else [])
            first = False
            for dx, s, size in anchors:
                scores = [0.0] * class_count
                scores[class_id] = s
                bw, bh = (size, size) if size else (box[2], box[3])
                columns.append([box[0] + dx, box[1], bw, bh] + scores)
    if not columns:
        raise ValueError("the training split has no labelled box")
    return np.asarray(columns, dtype=np.float32).T.copy()


def _iou(box, others):
    x1 = np.maximum(box[0], others[:, 0])
    y1 = np.maximum(box[1], others[:, 1])
    x2 = np.minimum(box[2], others[:, 2])
    y2 = np.minimum(box[3], others[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    return inter / (area + areas - inter + 1e-9)


def decode(table, width, height, imgsz, conf, iou, max_det=300):
    """
    ultralytics' non_max_suppression for one image (one label per box: its best class, kept when its score is
    above ``conf``; per-class NMS dropping boxes whose IoU with a better one is above ``iou``; at most ``max_det``)
    followed by scale_boxes back to the original image and clipping. Returns (xyxy, cls, conf) as numpy arrays.
    """
    scores = table[4:]
    best = scores.argmax(axis=0)
    confidence = scores.max(axis=0)
    keep = confidence > conf
    cx, cy, w, h = table[0][keep], table[1][keep], table[2][keep], table[3][keep]
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1).astype(np.float32)
    classes = best[keep].astype(np.float32)
    confidence = confidence[keep].astype(np.float32)
    order = np.argsort(-confidence, kind="stable")
    kept = []
    for index in order:
        same_class = [k for k in kept if classes[k] == classes[index]]
        if same_class and (_iou(boxes[index], boxes[same_class]) > iou).any():
            continue
        kept.append(index)
        if len(kept) == max_det:
            break
    boxes, classes, confidence = boxes[kept].reshape(-1, 4), classes[kept], confidence[kept]
    gain, pad_x, pad_y = letterbox_geometry(width, height, imgsz)
    boxes[:, [0, 2]] = np.clip((boxes[:, [0, 2]] - pad_x) / gain, 0, width)
    boxes[:, [1, 3]] = np.clip((boxes[:, [1, 3]] - pad_y) / gain, 0, height)
    return boxes, classes, confidence
