"""
Evaluates the exported model.onnx, the file the edge deploys, on the held-out test split at the device's
thresholds; writes evaluation.json and publishes model.onnx with its acceptance set (processing job).
"""

import argparse
import json
import os
import sys

from yolo_helpers import (
    ACCEPTANCE_IMAGES_FOLDER,
    acceptance_set,
    add_drift_baseline,
    check_exported_metadata,
    count_images,
    drift_baseline,
    evaluation_report,
    extract_model,
    file_sha256,
    label_boxes_in_pixels,
    prediction_entries,
    publish_onnx,
    read_manifest,
    select_acceptance_images,
    image_statistics,
    split_items,
    write_acceptance_set,
    write_data_yaml,
)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Evaluate the exported ONNX model on the test split")
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--dataset-dir", required=True)
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--onnx-output-dir", required=True)
    parser.add_argument("--imgsz", type=int, required=True)
    parser.add_argument("--conf", type=float, required=True, help="the device's confidence threshold")
    parser.add_argument("--iou", type=float, required=True, help="the device's NMS IoU threshold")
    parser.add_argument("--acceptance-images", type=int, required=True, help="images in the acceptance set")
    args = parser.parse_args(argv)
    if not 0 <= args.conf <= 1 or not 0 <= args.iou <= 1:
        parser.error(f"--conf and --iou must be within 0-1, got {args.conf} and {args.iou}")
    if args.acceptance_images < 1:
        parser.error(f"--acceptance-images must be at least 1, got {args.acceptance_images}")
    return args


def onnx_metadata(path):
    import onnx

    return {p.key: p.value for p in onnx.load(path).metadata_props}


def compute_drift_baseline(model, args):
    """Image statistics of the training images; detection counts and confidences of the model on the test split at the device thresholds."""
    import numpy as np
    from PIL import Image

    stats = []
    for path, _ in split_items(args.dataset_dir, "train"):
        with Image.open(path) as image:
            stats.append(image_statistics(np.asarray(image.convert("RGB"))))
    test_paths = [path for path, _ in split_items(args.dataset_dir, "test")]
    results = model.predict(source=test_paths, imgsz=args.imgsz, conf=args.conf, iou=args.iou, device="cpu", verbose=False)
    predictions = [[float(c) for c in r.boxes.conf.tolist()] for r in results]
    return drift_baseline(stats, predictions)


def main(argv):
    args = parse_arguments(argv)
    manifest = read_manifest(args.dataset_dir)
    class_names = manifest["classNames"]
    test_images = count_images(args.dataset_dir, "test")
    if test_images == 0:
        raise ValueError("the test split is empty: nothing to evaluate on")
    data_yaml = write_data_yaml(args.dataset_dir, class_names, os.path.join(args.dataset_dir, "data.yaml"))
    extract_model(args.model_dir)
    thresholds = {"confidence": args.conf, "iou": args.iou}

    from ultralytics import YOLO

    # The drift baseline travels inside model.onnx (metadata edgemlops_drift_baseline), so every device that runs
    # the model has it. Written before publishing, so the file evaluated below is the file that ships.
    trained_onnx = os.path.join(args.model_dir, "model.onnx")
    if os.path.isfile(trained_onnx):
        add_drift_baseline(trained_onnx, compute_drift_baseline(YOLO(trained_onnx, task="detect"), args))
    # The file that ships is the file evaluated: publish it first (a model without its ONNX export fails here, not
    # after it passed the gate), then score the published copy.
    onnx_path = publish_onnx(args.model_dir, args.onnx_output_dir)
    check_exported_metadata(onnx_metadata(onnx_path), class_names, args.imgsz)

    model = YOLO(onnx_path, task="detect")
    # A static ONNX export takes one image at a time at its own size; on the CPU, as on the devices.
    metrics = model.val(data=data_yaml, split="test", imgsz=args.imgsz, batch=1, conf=args.conf, iou=args.iou,
                        device="cpu", plots=False)
    box = metrics.box
    # class_result(i) is (precision, recall, ap50, ap50-95) of the i-th class present in the test split.
    per_class = {}
    for i, c in enumerate(box.ap_class_index):
        precision, recall, ap50, ap50_95 = box.class_result(i)
        per_class[int(c)] = (ap50, ap50_95, precision, recall)
    report = evaluation_report(class_names, box.map50, box.map, box.mp, box.mr, per_class, test_images)
    report["model"] = os.path.basename(onnx_path)
    report["thresholds"] = thresholds

    chosen = select_acceptance_images(split_items(args.dataset_dir, "test"), len(class_names), args.acceptance_images)
    paths = [path for path, _ in chosen]
    results = model.predict(source=paths, imgsz=args.imgsz, conf=args.conf, iou=args.iou, device="cpu", verbose=False)
    by_path = {os.path.abspath(r.path): r for r in results}
    images = []
    for path, boxes in chosen:
        result = by_path.get(os.path.abspath(path))
        if result is None:
            raise RuntimeError(f"predict returned no result for {path}")
        height, width = (int(v) for v in result.orig_shape)
        images.append({
            "file": f"{ACCEPTANCE_IMAGES_FOLDER}/{os.path.basename(path)}",
            "sha256": file_sha256(path),
            "width": width,
            "height": height,
            "labels": label_boxes_in_pixels(boxes, width, height),
            "predictions": prediction_entries(result.boxes.xyxy.tolist(), result.boxes.cls.tolist(), result.boxes.conf.tolist()),
        })
    document = acceptance_set(onnx_path, class_names, args.imgsz, thresholds, images, report["metrics"])
    write_acceptance_set(args.onnx_output_dir, document, paths)

    os.makedirs(args.output_dir, exist_ok=True)
    with open(os.path.join(args.output_dir, "evaluation.json"), "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
    print(json.dumps(report["metrics"]))


if __name__ == "__main__":
    main(sys.argv[1:])
