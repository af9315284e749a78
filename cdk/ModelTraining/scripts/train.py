"""Trains YOLOv8 on the prepared dataset and exports ONNX (SageMaker training job, script mode)."""

import json
import os
import shutil
import sys

from yolo_helpers import check_exported_metadata, class_names_metadata, parse_hyperparameters, read_manifest, write_data_yaml


def main(argv):
    args = parse_hyperparameters(argv)
    dataset_dir = os.environ.get("SM_CHANNEL_DATASET", "/opt/ml/input/data/dataset")
    weights_dir = os.environ.get("SM_CHANNEL_WEIGHTS", "/opt/ml/input/data/weights")
    model_dir = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
    work_dir = os.path.join(os.environ.get("SM_OUTPUT_DATA_DIR", "/opt/ml/output/data"), "runs")

    manifest = read_manifest(dataset_dir)
    class_names = manifest["classNames"]
    data_yaml = write_data_yaml(dataset_dir, class_names, os.path.join(dataset_dir, "data.yaml"))
    weights = os.path.join(weights_dir, args.weights_file)
    if not os.path.isfile(weights):
        raise FileNotFoundError(f"pretrained weights {weights} not found (training has no internet access)")

    # Imported here so the helpers stay importable without ultralytics (unit tests).
    from ultralytics import YOLO

    model = YOLO(weights)
    model.train(data=data_yaml, epochs=args.epochs, batch=args.batch, imgsz=args.imgsz,
                project=work_dir, name="train", exist_ok=True, seed=0, deterministic=True, plots=False)
    best = os.path.join(work_dir, "train", "weights", "best.pt")
    onnx_path = YOLO(best).export(format="onnx", imgsz=args.imgsz, simplify=False, dynamic=False)

    import onnx

    # ultralytics wrote names, imgsz, stride and task in its own form (str() of each value), which the edge
    # component reads; they are checked against the dataset, never rewritten. class_names (a JSON list) is added.
    onnx_model = onnx.load(onnx_path)
    check_exported_metadata({p.key: p.value for p in onnx_model.metadata_props}, class_names, args.imgsz)
    if not any(p.key == "class_names" for p in onnx_model.metadata_props):
        entry = onnx_model.metadata_props.add()
        entry.key, entry.value = "class_names", class_names_metadata(class_names)
    onnx.save(onnx_model, os.path.join(model_dir, "model.onnx"))
    shutil.copy(best, os.path.join(model_dir, "best.pt"))
    with open(os.path.join(model_dir, "model.json"), "w", encoding="utf-8") as handle:
        json.dump({"classNames": class_names, "imgsz": args.imgsz, "dataset": manifest.get("snapshotId")}, handle)


if __name__ == "__main__":
    main(sys.argv[1:])
