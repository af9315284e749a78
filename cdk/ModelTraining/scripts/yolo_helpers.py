"""Pure helpers of the training and evaluation scripts (no ultralytics import: unit-tested with unittest)."""

import hashlib
import json
import os
import re
import shutil
import tarfile
import zipfile

SPLIT_FOLDERS = {"train": "images/train", "val": "images/val", "test": "images/test"}


def read_manifest(dataset_dir):
    """dataset.json written by the PrepareYoloDataset step; it exists only when the dataset is complete."""
    path = os.path.join(dataset_dir, "dataset.json")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} is missing: the dataset step did not finish")
    with open(path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    names = manifest.get("classNames")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise ValueError(f"{path}: classNames must be a non-empty list of names, got {names!r}")
    return manifest


def data_yaml_text(dataset_dir, class_names):
    """The ultralytics data file for a dataset laid out as images/<split> and labels/<split>."""
    lines = [f"path: {json.dumps(os.path.abspath(dataset_dir))}"]
    lines += [f"{split}: {folder}" for split, folder in SPLIT_FOLDERS.items()]
    lines.append("names:")
    lines += [f"  {index}: {json.dumps(name)}" for index, name in enumerate(class_names)]
    return "\n".join(lines) + "\n"


def write_data_yaml(dataset_dir, class_names, out_path):
    with open(out_path, "w", encoding="utf-8") as handle:
        handle.write(data_yaml_text(dataset_dir, class_names))
    return out_path


def parse_hyperparameters(argv):
    """--epochs N --batch N --imgsz N --weights-file NAME (script mode passes hyperparameters this way)."""
    import argparse

    parser = argparse.ArgumentParser(description="Train YOLOv8 and export ONNX")
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--imgsz", type=int, required=True)
    parser.add_argument("--weights-file", default="yolov8n.pt")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.batch < 1:
        parser.error("epochs and batch must be at least 1")
    if args.imgsz < 32 or args.imgsz % 32 != 0:
        parser.error(f"imgsz must be a positive multiple of 32, got {args.imgsz}")
    return args


def parse_ultralytics_names(text):
    """
    The ``names`` metadata ultralytics' ONNX exporter writes: ``str()`` of the model's names dict, a Python literal
    such as ``{0: 'scratch', 1: 'dent'}``. Returns the names in class-id order; raises ValueError otherwise.
    """
    import ast

    try:
        names = ast.literal_eval(text)
    except (ValueError, SyntaxError) as error:
        raise ValueError(f"ONNX metadata names is not a Python dict literal: {text!r}") from error
    if not isinstance(names, dict) or not names or sorted(names) != list(range(len(names))):
        raise ValueError(f"ONNX metadata names must map class ids 0..n-1 to names, got {text!r}")
    return [str(names[i]) for i in range(len(names))]


def check_exported_metadata(metadata, class_names, imgsz):
    """
    Checks the metadata ultralytics wrote into the exported ONNX model (a dict of its metadata_props) against the
    dataset's class names and the training image size, so a model whose class order differs from the labels fails
    here, not on a device. The values stay as ultralytics wrote them.
    """
    problems = []
    names_text = metadata.get("names")
    if names_text is None:
        problems.append("metadata names is missing")
    else:
        try:
            names = parse_ultralytics_names(names_text)
            if names != list(class_names):
                problems.append(f"metadata names {names} differ from the dataset's classNames {list(class_names)}")
        except ValueError as error:
            problems.append(str(error))
    imgsz_text = metadata.get("imgsz")
    if imgsz_text is None or [int(n) for n in re.findall(r"\d+", imgsz_text)] not in ([imgsz], [imgsz, imgsz]):
        problems.append(f"metadata imgsz {imgsz_text!r} is not [{imgsz}, {imgsz}]")
    if problems:
        raise ValueError("the exported ONNX model does not match the dataset: " + "; ".join(problems))


def class_names_metadata(class_names):
    """The extra ``class_names`` entry (a JSON list) train.py adds beside ultralytics' own metadata."""
    return json.dumps(list(class_names))


def evaluation_report(class_names, map50, map50_95, precision, recall, per_class, test_images):
    """
    The evaluation report the pipeline reads (metrics.map50 decides registration) and registers as model
    quality. per_class maps a class index to (ap50, ap50_95, precision, recall), as ultralytics reports them per
    class (box.class_result); classes absent from the test split get null for all four.
    """
    def number(value):
        value = float(value)
        if value != value or value < 0 or value > 1:
            raise ValueError(f"metric out of range: {value}")
        return round(value, 6)

    unknown = sorted(set(per_class) - set(range(len(class_names))))
    if unknown:
        raise ValueError(f"per-class metrics for class ids {unknown}, but there are {len(class_names)} classes")

    def class_entry(index, name):
        values = per_class.get(index)
        if values is not None and len(values) != 4:
            raise ValueError(f"class {index}: expected (ap50, ap50_95, precision, recall), got {values!r}")
        ap50, ap50_95, precision, recall = (None,) * 4 if values is None else (number(v) for v in values)
        return {"class_id": index, "name": name, "ap50": ap50, "ap50_95": ap50_95, "precision": precision, "recall": recall}

    return {
        "metrics": {
            "map50": number(map50),
            "map50_95": number(map50_95),
            "precision": number(precision),
            "recall": number(recall),
        },
        "per_class": [class_entry(index, name) for index, name in enumerate(class_names)],
        "test_images": int(test_images),
    }


def count_images(dataset_dir, split):
    folder = os.path.join(dataset_dir, SPLIT_FOLDERS[split])
    if not os.path.isdir(folder):
        return 0
    return sum(1 for name in os.listdir(folder) if not name.startswith("."))


def extract_model(model_dir):
    """Extracts model.tar.gz (the training job's output: model.onnx, best.pt, model.json) in place; returns the folder."""
    archive = os.path.join(model_dir, "model.tar.gz")
    if os.path.isfile(archive):
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                target = os.path.realpath(os.path.join(model_dir, member.name))
                if not target.startswith(os.path.realpath(model_dir) + os.sep):
                    raise ValueError(f"model.tar.gz member escapes the folder: {member.name}")
            tar.extractall(model_dir)
    return model_dir


def publish_onnx(model_dir, output_dir):
    """
    Copies model.onnx (exported by train.py, inside the extracted model.tar.gz) to the processing output the
    pipeline uploads as its own S3 object: the file the model package's onnxModelUri names and the edge deploys.
    """
    source = os.path.join(model_dir, "model.onnx")
    if not os.path.isfile(source) or os.path.getsize(source) == 0:
        raise FileNotFoundError(f"{source} is missing or empty: the training job did not export ONNX")
    os.makedirs(output_dir, exist_ok=True)
    target = os.path.join(output_dir, "model.onnx")
    shutil.copyfile(source, target)
    return target


# --- The acceptance set: evidence the device checks the shipped model against (docs/training.md) -------------------

ACCEPTANCE_FORMAT = "edgemlops.acceptance-set/1"
ACCEPTANCE_FOLDER = "acceptance"
ACCEPTANCE_FILE = "acceptance.json"
ACCEPTANCE_IMAGES_FOLDER = "images"
# The set as one archive beside model.onnx, for the edge model component (Greengrass unpacks a ZIP artifact into a
# folder named after it: acceptance.zip -> acceptance/acceptance.json). Contract: AcceptanceSet.ArchiveFileName.
ACCEPTANCE_ARCHIVE = "acceptance.zip"


def read_yolo_labels(path):
    """Boxes of one YOLO label file as (class_id, cx, cy, w, h), normalised; no file or an empty one = no boxes."""
    if not os.path.isfile(path):
        return []
    boxes = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 5:
                raise ValueError(f"{path}:{number}: expected 'class cx cy w h', got {line.strip()!r}")
            boxes.append((int(parts[0]),) + tuple(float(p) for p in parts[1:]))
    return boxes


def split_items(dataset_dir, split):
    """(image path, label boxes) of every image of a split, sorted by file name."""
    images = os.path.join(dataset_dir, SPLIT_FOLDERS[split])
    labels = os.path.join(dataset_dir, "labels", split)
    if not os.path.isdir(images):
        return []
    items = []
    for name in sorted(n for n in os.listdir(images) if not n.startswith(".")):
        stem = os.path.splitext(name)[0]
        items.append((os.path.join(images, name), read_yolo_labels(os.path.join(labels, stem + ".txt"))))
    return items


def select_acceptance_images(items, class_count, k):
    """
    Picks K images of the test split for the acceptance set, deterministically: the images are ordered by the
    SHA-256 of their file name (stable across runs, independent of how names sort), then the first image holding
    each class and the first defect-free image are taken, and the rest is filled in that order. Classes or
    defect-free images the split lacks cannot be covered; everything the split has is. Fails when K is too small
    to cover what the split has, rather than ship a set that misses a class.
    """
    if k < 1:
        raise ValueError(f"the acceptance set needs at least 1 image, got {k}")
    order = sorted(items, key=lambda item: (hashlib.sha256(os.path.basename(item[0]).encode("utf-8")).hexdigest(), item[0]))
    chosen = []

    def take(predicate):
        for item in order:
            if item not in chosen and predicate(item):
                chosen.append(item)
                return

    for class_id in range(class_count):
        if not any(class_id in {box[0] for box in item[1]} for item in chosen):
            take(lambda item, c=class_id: c in {box[0] for box in item[1]})
    if not any(not item[1] for item in chosen):
        take(lambda item: not item[1])
    if len(chosen) > k:
        raise ValueError(
            f"an acceptance set of {k} images cannot cover the {len(chosen)} images needed for every class of the test "
            f"split and a defect-free image: raise AcceptanceImages to at least {len(chosen)}")
    for item in order:
        if len(chosen) >= k:
            break
        if item not in chosen:
            chosen.append(item)
    return chosen


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def label_boxes_in_pixels(boxes, width, height):
    """YOLO-normalised (class, cx, cy, w, h) as pixel corners of the original image, the form predictions take."""
    return [
        {"classId": c, "box": [round((cx - w / 2) * width, 3), round((cy - h / 2) * height, 3),
                               round((cx + w / 2) * width, 3), round((cy + h / 2) * height, 3)]}
        for c, cx, cy, w, h in boxes
    ]


def acceptance_set(model_path, class_names, imgsz, thresholds, images, metrics):
    """
    The acceptance set document (acceptance.json). ``images`` holds, per image: file (relative to the document),
    sha256, width, height, labels (pixel corners) and predictions (the model's own boxes at ``thresholds``:
    classId, confidence, box as [x1, y1, x2, y2] in pixels of the original image). ``metrics`` are the model's
    metrics on the whole test split at the same thresholds. The model's SHA-256 ties the set to the file it was
    computed with.
    """
    for image in images:
        for prediction in image["predictions"]:
            if not 0 <= prediction["classId"] < len(class_names):
                raise ValueError(f"{image['file']}: prediction of class {prediction['classId']}, but there are {len(class_names)} classes")
    return {
        "format": ACCEPTANCE_FORMAT,
        "model": {"file": os.path.basename(model_path), "sha256": file_sha256(model_path), "imageSize": int(imgsz),
                  "classNames": list(class_names)},
        "thresholds": {"confidence": float(thresholds["confidence"]), "iou": float(thresholds["iou"])},
        "metrics": dict(metrics),
        "images": images,
    }


def prediction_entries(xyxy, cls, conf):
    """One result's boxes (lists from boxes.xyxy, boxes.cls, boxes.conf) as acceptance-set predictions, best first."""
    entries = [
        {"classId": int(c), "confidence": round(float(p), 6), "box": [round(float(v), 3) for v in box]}
        for box, c, p in zip(xyxy, cls, conf)
    ]
    return sorted(entries, key=lambda e: -e["confidence"])


def write_acceptance_set(output_dir, document, image_paths):
    """Writes acceptance/acceptance.json and copies the images beside it; returns the document's path."""
    folder = os.path.join(output_dir, ACCEPTANCE_FOLDER)
    os.makedirs(os.path.join(folder, ACCEPTANCE_IMAGES_FOLDER), exist_ok=True)
    for entry, source in zip(document["images"], image_paths):
        shutil.copyfile(source, os.path.join(folder, entry["file"]))
    path = os.path.join(folder, ACCEPTANCE_FILE)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
    write_acceptance_archive(output_dir, [ACCEPTANCE_FILE] + [entry["file"] for entry in document["images"]])
    return path


def write_acceptance_archive(output_dir, members):
    """
    acceptance.zip beside the acceptance folder: the document and its images at the archive's root, in a fixed
    order with a fixed timestamp, so the same set always gives the same bytes.
    """
    folder = os.path.join(output_dir, ACCEPTANCE_FOLDER)
    path = os.path.join(output_dir, ACCEPTANCE_ARCHIVE)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(set(members)):
            info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(os.path.join(folder, member), "rb") as source:
                archive.writestr(info, source.read())
    return path


# --- The drift baseline: what the device compares its frames with (contracts DriftBaseline, DriftStatistics) -------
# Same sample grid, luma, Laplacian and bins as the inference component's FrameStatistics and DriftMonitor.

DRIFT_BASELINE_KEY = "edgemlops_drift_baseline"
DRIFT_GRID = 48
DRIFT_COLOUR_BINS_PER_CHANNEL = 8
DRIFT_SHARPNESS_REFERENCE_WIDTH = 640
DRIFT_DETECTION_EDGES = [0.5, 1.5, 2.5, 3.5, 4.5]
DRIFT_DEFECT_EDGES = [0.5]
DRIFT_CONFIDENCE_EDGES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
DRIFT_COLOUR_EDGES = [i + 0.5 for i in range(3 * DRIFT_COLOUR_BINS_PER_CHANNEL - 1)]


def image_statistics(rgb):
    """
    (brightness, contrast, sharpness, colour counts) of an RGB image (a height × width × 3 uint8 array) on the
    48 × 48 sample grid: mean and standard deviation of luma, mean absolute 4-neighbour Laplacian of luma with
    neighbours max(1, round(width / 640)) pixels away (clamped at the border), and the 3 × 8 colour bins.
    """
    import numpy as np

    height, width = int(rgb.shape[0]), int(rgb.shape[1])
    g = DRIFT_GRID
    xs = np.array([int((i + 0.5) * width / g) for i in range(g)])
    ys = np.array([int((j + 0.5) * height / g) for j in range(g)])
    offset = max(1, int(width / DRIFT_SHARPNESS_REFERENCE_WIDTH + 0.5))
    pixels = rgb.astype(np.float64)
    luma_image = 0.299 * pixels[:, :, 0] + 0.587 * pixels[:, :, 1] + 0.114 * pixels[:, :, 2]
    yy, xx = np.meshgrid(ys, xs, indexing="ij")
    luma = luma_image[yy, xx]
    neighbours = (luma_image[yy, np.maximum(0, xx - offset)] + luma_image[yy, np.minimum(width - 1, xx + offset)]
                  + luma_image[np.maximum(0, yy - offset), xx] + luma_image[np.minimum(height - 1, yy + offset), xx])
    sharpness = float(np.mean(np.abs(neighbours - 4 * luma)))
    mean = float(np.mean(luma))
    variance = max(0.0, float(np.mean(luma * luma)) - mean * mean)
    samples = rgb[yy, xx].astype(np.int64) >> 5
    counts = [0] * (3 * DRIFT_COLOUR_BINS_PER_CHANNEL)
    for channel in range(3):
        for value, number in zip(*np.unique(samples[:, :, channel], return_counts=True)):
            counts[channel * DRIFT_COLOUR_BINS_PER_CHANNEL + int(value)] += int(number)
    return mean, variance ** 0.5, sharpness, counts


def drift_bin(edges, value):
    """The bin of a value: how many inner edges are at or below it (as DriftStatistics.Bin)."""
    import bisect

    return bisect.bisect_right(edges, value)


def histogram(edges, values=None, counts=None):
    """{edges, proportions} of values binned by edges, or of ready bin counts."""
    if counts is None:
        counts = [0] * (len(edges) + 1)
        for value in values:
            counts[drift_bin(edges, value)] += 1
    total = sum(counts)
    return {"edges": list(edges), "proportions": [c / total if total else 0.0 for c in counts]}


def decile_edges(values):
    """Inner edges at the deciles of values (duplicates removed), so each bin holds about a tenth of the baseline."""
    import numpy as np

    return sorted({float(q) for q in np.quantile(np.asarray(values, dtype=np.float64), [i / 10 for i in range(1, 10)])})


def drift_baseline(image_stats, predictions):
    """
    The drift baseline document: image_stats is a list of image_statistics() of the training images,
    predictions a list of per-image lists of detection confidences (the model on the test split at the device
    thresholds).
    """
    if not image_stats:
        raise ValueError("the drift baseline needs at least one training image")
    if not predictions:
        raise ValueError("the drift baseline needs the predictions on at least one test image")
    brightness = [s[0] for s in image_stats]
    contrast = [s[1] for s in image_stats]
    sharpness = [s[2] for s in image_stats]
    colour = [sum(s[3][i] for s in image_stats) for i in range(3 * DRIFT_COLOUR_BINS_PER_CHANNEL)]
    confidences = [c for image in predictions for c in image]
    statistics = {
        "brightness": histogram(decile_edges(brightness), brightness),
        "contrast": histogram(decile_edges(contrast), contrast),
        "sharpness": histogram(decile_edges(sharpness), sharpness),
        "colour": histogram(DRIFT_COLOUR_EDGES, counts=colour),
        "detections": histogram(DRIFT_DETECTION_EDGES, [len(p) for p in predictions]),
        "defectRate": histogram(DRIFT_DEFECT_EDGES, [1 if p else 0 for p in predictions]),
    }
    if confidences:
        statistics["confidence"] = histogram(DRIFT_CONFIDENCE_EDGES, confidences)
    return {
        "version": 1,
        "method": "psi",
        "gridSize": DRIFT_GRID,
        "images": len(image_stats),
        "predictedImages": len(predictions),
        "statistics": statistics,
    }


def add_drift_baseline(onnx_path, baseline):
    """Writes the baseline into the ONNX file's metadata (key edgemlops_drift_baseline), replacing an earlier one."""
    import onnx

    model = onnx.load(onnx_path)
    kept = [(p.key, p.value) for p in model.metadata_props if p.key != DRIFT_BASELINE_KEY]
    del model.metadata_props[:]
    for key, value in kept + [(DRIFT_BASELINE_KEY, json.dumps(baseline, separators=(",", ":")))]:
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, onnx_path)
