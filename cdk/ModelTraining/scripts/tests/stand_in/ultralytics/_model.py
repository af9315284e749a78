"""``YOLO``: construction from weights (.pt) or an exported model (.onnx), train, export, val, predict."""

import csv
import json
import os

import numpy as np
import yaml
from PIL import Image

from . import _detector, _metrics, _onnx

WEIGHTS_FORMAT = "edgemlops-stand-in-yolov8/1"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


class Boxes:
    """``Results.boxes``: xyxy [n, 4] in pixels of the original image, cls [n], conf [n] (numpy, like .cpu().numpy())."""

    def __init__(self, xyxy, cls, conf):
        self.xyxy, self.cls, self.conf = xyxy, cls, conf

    def __len__(self):
        return len(self.cls)


class Results:
    def __init__(self, path, orig_shape, names, boxes):
        self.path, self.orig_shape, self.names, self.boxes = path, orig_shape, names, boxes


def _read_data(data):
    with open(data, encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    root = config.get("path", os.path.dirname(os.path.abspath(data)))
    return config, root, {int(k): v for k, v in config["names"].items()}


def _images(folder):
    if os.path.isfile(folder):
        return [folder]
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith(IMAGE_SUFFIXES) or ".jpg" in n.lower())
    return [os.path.join(folder, n) for n in names]


def _labels(image_path):
    """ultralytics' img2label_paths: the last /images/ becomes /labels/ and the suffix .txt."""
    head, _, tail = image_path.rpartition(f"{os.sep}images{os.sep}")
    path = os.path.join(f"{head}{os.sep}labels", os.path.splitext(tail)[0] + ".txt")
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [tuple([int(p[0])] + [float(v) for v in p[1:]]) for p in (line.split() for line in handle) if p]


def _size(path):
    with Image.open(path) as image:
        return image.size


class YOLO:
    def __init__(self, model="yolov8n.pt", task=None):
        self.ckpt_path = str(model)
        self.task = task or "detect"
        self.table = None
        self.names = None
        self.imgsz = None
        if not os.path.isfile(self.ckpt_path):
            raise FileNotFoundError(f"{self.ckpt_path} does not exist")
        if self.ckpt_path.endswith(".onnx"):
            self.table, self.names, self.imgsz = _onnx.load(self.ckpt_path)
            return
        try:
            with open(self.ckpt_path, encoding="utf-8") as handle:
                weights = json.load(handle)
        except (UnicodeDecodeError, json.JSONDecodeError):
            weights = None
        # Anything else is taken as pretrained weights: like a COCO checkpoint, it has no names of this dataset.
        if isinstance(weights, dict) and weights.get("format") == WEIGHTS_FORMAT:
            self.table = np.asarray(weights["table"], dtype=np.float32)
            self.names = {int(k): v for k, v in weights["names"].items()}
            self.imgsz = int(weights["imgsz"])

    def train(self, data, epochs=100, batch=16, imgsz=640, project="runs/detect", name="train", exist_ok=False, **kwargs):
        config, root, names = _read_data(data)
        save_dir = os.path.join(project, name)
        if os.path.isdir(save_dir) and not exist_ok:
            raise FileExistsError(f"{save_dir} exists (exist_ok=False)")
        weights_dir = os.path.join(save_dir, "weights")
        os.makedirs(weights_dir, exist_ok=True)
        items = [(*_size(p), _labels(p)) for p in _images(os.path.join(root, config["train"]))]
        self.table, self.names, self.imgsz = _detector.fit_table(items, len(names), imgsz), names, imgsz
        weights = {"format": WEIGHTS_FORMAT, "names": names, "imgsz": imgsz, "table": self.table.tolist(), "data": data}
        for file in ("best.pt", "last.pt"):
            with open(os.path.join(weights_dir, file), "w", encoding="utf-8") as handle:
                json.dump(weights, handle)
        with open(os.path.join(save_dir, "args.yaml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump({"task": "detect", "mode": "train", "data": data, "epochs": epochs, "batch": batch, "imgsz": imgsz, **kwargs}, handle)
        metrics = self.val(data=data, split="val", imgsz=imgsz)
        with open(os.path.join(save_dir, "results.csv"), "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["epoch", *metrics.results_dict][:-1])
            for epoch in range(1, epochs + 1):
                writer.writerow([epoch, *list(metrics.results_dict.values())[:-1]])
        self.ckpt_path = os.path.join(weights_dir, "best.pt")
        return metrics

    def export(self, format="torchscript", imgsz=None, batch=1, **kwargs):
        if format != "onnx":
            raise NotImplementedError(f"the stand-in exports only format='onnx', got {format!r}")
        self._require_trained()
        if imgsz not in (None, self.imgsz, [self.imgsz, self.imgsz]):
            raise NotImplementedError(f"the stand-in exports at the trained size {self.imgsz}, got imgsz={imgsz}")
        path = os.path.splitext(self.ckpt_path)[0] + ".onnx"
        return _onnx.export(path, self.table, self.names, self.imgsz, batch, "8.3.40", self.ckpt_path)

    def predict(self, source, imgsz=None, conf=0.25, iou=0.7, max_det=300, **kwargs):
        self._require_trained()
        self._check_size(imgsz)
        paths = [p for s in (source if isinstance(source, (list, tuple)) else [source]) for p in _images(str(s))]
        results = []
        for path in paths:
            width, height = _size(path)
            xyxy, cls, confidence = _detector.decode(self.table, width, height, self.imgsz, conf, iou, max_det)
            results.append(Results(path, (height, width), self.names, Boxes(xyxy, cls, confidence)))
        return results

    def val(self, data, split="val", imgsz=None, conf=0.001, iou=0.7, max_det=300, **kwargs):
        self._require_trained()
        self._check_size(imgsz)
        config, root, names = _read_data(data)
        stats = []
        for result in self.predict(os.path.join(root, config[split]), imgsz=imgsz, conf=conf, iou=iou, max_det=max_det):
            height, width = result.orig_shape
            labels = _labels(result.path)
            label_cls = np.array([b[0] for b in labels], dtype=np.float32)
            label_boxes = np.array(
                [[(cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height] for _, cx, cy, w, h in labels],
                dtype=np.float32).reshape(-1, 4)
            boxes = result.boxes
            stats.append((_metrics.match(boxes.xyxy, boxes.cls, label_boxes, label_cls), boxes.conf, boxes.cls, label_cls))
        return _metrics.det_metrics(stats, names)

    def _require_trained(self):
        if self.table is None:
            raise RuntimeError(f"{self.ckpt_path}: the stand-in can only run weights it trained or models it exported")

    def _check_size(self, imgsz):
        # A static ONNX export runs only at its own size; ultralytics fails the same way.
        if imgsz not in (None, self.imgsz, [self.imgsz, self.imgsz]):
            raise ValueError(f"input size {imgsz} differs from the model's {self.imgsz}")
