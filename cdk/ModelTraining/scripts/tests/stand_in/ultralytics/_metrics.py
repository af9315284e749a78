"""Detection metrics as ultralytics' DetMetrics exposes them (box.map50, box.map, box.mp, box.mr, class_result)."""

import numpy as np

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)


def box_iou(a, b):
    """IoU matrix of xyxy boxes a [n, 4] and b [m, 4]."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a[:, None] + area_b[None, :] - inter + 1e-9)


def match(pred_boxes, pred_cls, label_boxes, label_cls):
    """
    [n_pred, 10] true positives at IoU 0.50:0.95, as ultralytics' match_predictions: per threshold, each label is
    matched at most once, to the prediction of its class with the highest IoU above the threshold.
    """
    correct = np.zeros((len(pred_boxes), len(IOU_THRESHOLDS)), dtype=bool)
    iou = box_iou(label_boxes, pred_boxes) * (label_cls[:, None] == pred_cls[None, :])
    for t, threshold in enumerate(IOU_THRESHOLDS):
        pairs = np.argwhere(iou >= threshold)
        if len(pairs) == 0:
            continue
        pairs = pairs[np.argsort(-iou[pairs[:, 0], pairs[:, 1]], kind="stable")]
        pairs = pairs[np.unique(pairs[:, 1], return_index=True)[1]]
        pairs = pairs[np.unique(pairs[:, 0], return_index=True)[1]]
        correct[pairs[:, 1], t] = True
    return correct


def average_precision(recall, precision):
    """ultralytics' compute_ap: precision envelope, 101-point interpolation (COCO)."""
    mrec = np.concatenate(([0.0], recall, [1.0]))
    mpre = np.concatenate(([1.0], precision, [0.0]))
    mpre = np.flip(np.maximum.accumulate(np.flip(mpre)))
    x = np.linspace(0, 1, 101)
    return float(np.trapz(np.interp(x, mrec, mpre), x))


class Box:
    """The ``metrics.box`` object: per-class arrays over the classes present in the labels (ap_class_index)."""

    def __init__(self, p, r, ap, ap_class_index):
        self.p, self.r, self.all_ap, self.ap_class_index = p, r, ap, ap_class_index

    @property
    def ap50(self):
        return self.all_ap[:, 0] if len(self.all_ap) else np.array([])

    @property
    def ap(self):
        return self.all_ap.mean(1) if len(self.all_ap) else np.array([])

    @property
    def mp(self):
        return float(self.p.mean()) if len(self.p) else 0.0

    @property
    def mr(self):
        return float(self.r.mean()) if len(self.r) else 0.0

    @property
    def map50(self):
        return float(self.all_ap[:, 0].mean()) if len(self.all_ap) else 0.0

    @property
    def map(self):
        return float(self.all_ap.mean()) if len(self.all_ap) else 0.0

    def class_result(self, i):
        return float(self.p[i]), float(self.r[i]), float(self.ap50[i]), float(self.ap[i])


class DetMetrics:
    def __init__(self, box, names):
        self.box = box
        self.names = names

    @property
    def results_dict(self):
        return {
            "metrics/precision(B)": self.box.mp,
            "metrics/recall(B)": self.box.mr,
            "metrics/mAP50(B)": self.box.map50,
            "metrics/mAP50-95(B)": self.box.map,
            "fitness": 0.1 * self.box.map50 + 0.9 * self.box.map,
        }


def det_metrics(stats, names):
    """
    stats: per image (correct [n, 10], conf [n], pred_cls [n], label_cls [m]). Precision and recall are taken with
    every kept prediction (ultralytics takes them at the confidence of the best mean F1; with the device threshold
    applied first the two coincide unless lower-confidence boxes would raise F1).
    """
    correct = np.concatenate([s[0] for s in stats]) if stats else np.zeros((0, 10), dtype=bool)
    conf = np.concatenate([s[1] for s in stats]) if stats else np.zeros(0)
    pred_cls = np.concatenate([s[2] for s in stats]) if stats else np.zeros(0)
    label_cls = np.concatenate([s[3] for s in stats]) if stats else np.zeros(0)
    classes = np.unique(label_cls).astype(int)
    order = np.argsort(-conf, kind="stable")
    correct, conf, pred_cls = correct[order], conf[order], pred_cls[order]
    p, r, ap = np.zeros(len(classes)), np.zeros(len(classes)), np.zeros((len(classes), len(IOU_THRESHOLDS)))
    for i, c in enumerate(classes):
        mask = pred_cls == c
        labels = int((label_cls == c).sum())
        tp = np.cumsum(correct[mask], axis=0)
        fp = np.cumsum(~correct[mask], axis=0)
        if len(tp) == 0:
            continue
        recall = tp / labels
        precision = tp / (tp + fp)
        p[i], r[i] = precision[-1, 0], recall[-1, 0]
        for t in range(len(IOU_THRESHOLDS)):
            ap[i, t] = average_precision(recall[:, t], precision[:, t])
    return DetMetrics(Box(p, r, ap, classes), names)
