"""Pure helpers of the training and evaluation scripts (no ultralytics import: unit-tested with unittest)."""

import json
import os
import shutil
import tarfile

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


def onnx_metadata(class_names, imgsz):
    """Metadata stored in the ONNX model, read by the edge component: class names and input size."""
    return {
        "names": json.dumps({str(i): n for i, n in enumerate(class_names)}),
        "class_names": json.dumps(list(class_names)),
        "imgsz": json.dumps([imgsz, imgsz]),
        "task": "detect",
    }


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
    """Extracts model.tar.gz (the training job's output) in place and returns the path of best.pt."""
    archive = os.path.join(model_dir, "model.tar.gz")
    if os.path.isfile(archive):
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                target = os.path.realpath(os.path.join(model_dir, member.name))
                if not target.startswith(os.path.realpath(model_dir) + os.sep):
                    raise ValueError(f"model.tar.gz member escapes the folder: {member.name}")
            tar.extractall(model_dir)
    weights = os.path.join(model_dir, "best.pt")
    if not os.path.isfile(weights):
        raise FileNotFoundError(f"{weights} is missing from the model artifacts")
    return weights


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
