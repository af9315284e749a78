"""Evaluates the trained model on the held-out test split, writes evaluation.json and publishes model.onnx (processing job)."""

import argparse
import json
import os
import sys

from yolo_helpers import count_images, evaluation_report, extract_model, publish_onnx, read_manifest, write_data_yaml


def main(argv):
    parser = argparse.ArgumentParser(description="Evaluate a YOLOv8 model on the test split")
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--dataset-dir", required=True)
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--onnx-output-dir", required=True)
    parser.add_argument("--imgsz", type=int, required=True)
    args = parser.parse_args(argv)

    manifest = read_manifest(args.dataset_dir)
    class_names = manifest["classNames"]
    test_images = count_images(args.dataset_dir, "test")
    if test_images == 0:
        raise ValueError("the test split is empty: nothing to evaluate on")
    data_yaml = write_data_yaml(args.dataset_dir, class_names, os.path.join(args.dataset_dir, "data.yaml"))
    weights = extract_model(args.model_dir)
    # Before the evaluation: a model without its ONNX export must fail here, not after it passed the gate.
    publish_onnx(args.model_dir, args.onnx_output_dir)

    from ultralytics import YOLO

    metrics = YOLO(weights).val(data=data_yaml, split="test", imgsz=args.imgsz, plots=False)
    box = metrics.box
    # class_result(i) is (precision, recall, ap50, ap50-95) of the i-th class present in the test split.
    per_class = {}
    for i, c in enumerate(box.ap_class_index):
        precision, recall, ap50, ap50_95 = box.class_result(i)
        per_class[int(c)] = (ap50, ap50_95, precision, recall)
    report = evaluation_report(class_names, box.map50, box.map, box.mp, box.mr, per_class, test_images)
    os.makedirs(args.output_dir, exist_ok=True)
    with open(os.path.join(args.output_dir, "evaluation.json"), "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
    print(json.dumps(report["metrics"]))


if __name__ == "__main__":
    main(sys.argv[1:])
