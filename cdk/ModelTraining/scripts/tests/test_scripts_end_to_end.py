"""
train.py and evaluate.py run end to end as processes, as SageMaker runs them, against the stand-in ultralytics
(tests/stand_in) with real files: the project's metal-tag images and labels, laid out as the dataset step lays
them out.
"""

import ast
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAND_IN = os.path.join(SCRIPTS, "tests", "stand_in")
REPOSITORY = os.path.abspath(os.path.join(SCRIPTS, "..", "..", ".."))
LABELS_CSV = os.path.join(REPOSITORY, "tests", "data", "training", "labels.csv")
IMAGES = os.path.join(REPOSITORY, "tests", "data", "dataset", "images")
IMGSZ = 320

try:
    import numpy  # noqa: F401
    import onnx
    import PIL  # noqa: F401
    import yaml  # noqa: F401
    MISSING = None
except ImportError as error:  # the stand-in needs them; scripts/setup.sh installs them
    MISSING = str(error)


def split_of(name):
    """A fixed split by file-name hash: about 60 % train, 20 % val, 20 % test."""
    bucket = int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10
    return "train" if bucket < 6 else "val" if bucket < 8 else "test"


def build_dataset(folder, class_names):
    """images/<split>/ and labels/<split>/ from labels.csv (as PrepareYoloDataset writes them), dataset.json last."""
    with open(LABELS_CSV, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        relative = row["source_ref"].split("/pipeline/assets/images/", 1)[1]
        name = os.path.basename(relative)
        split = split_of(name)
        width, height = float(row["image_width"]), float(row["image_height"])
        lines = [
            f"{a['class_id']} {(a['left'] + a['width'] / 2) / width:.6f} {(a['top'] + a['height'] / 2) / height:.6f} "
            f"{a['width'] / width:.6f} {a['height'] / height:.6f}"
            for a in ast.literal_eval(row["annotations"])
        ]
        for kind in ("images", "labels"):
            os.makedirs(os.path.join(folder, kind, split), exist_ok=True)
        shutil.copyfile(os.path.join(IMAGES, relative), os.path.join(folder, "images", split, name))
        with open(os.path.join(folder, "labels", split, os.path.splitext(name)[0] + ".txt"), "w", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in lines))
    with open(os.path.join(folder, "dataset.json"), "w", encoding="utf-8") as handle:
        json.dump({"classNames": class_names, "snapshotId": "test-snapshot"}, handle)


def run(script, args, env):
    completed = subprocess.run(
        [sys.executable, os.path.join(SCRIPTS, script), *args],
        cwd=SCRIPTS, env={**os.environ, "PYTHONPATH": STAND_IN, **env}, capture_output=True, text=True)
    return completed


def iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def metadata(path):
    return {p.key: p.value for p in onnx.load(path).metadata_props}


@unittest.skipIf(MISSING, f"the stand-in ultralytics needs numpy, onnx, PIL and yaml ({MISSING}); run scripts/setup.sh")
class TrainAndEvaluateTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="edgemlops-scripts-")
        cls.dataset = os.path.join(cls.root, "dataset")
        build_dataset(cls.dataset, ["scratch"])
        weights = os.path.join(cls.root, "weights")
        os.makedirs(weights)
        with open(os.path.join(weights, "yolov8n.pt"), "wb") as handle:
            handle.write(b"\x80\x02pretrained COCO checkpoint stand-in")
        cls.model_dir = os.path.join(cls.root, "model")
        os.makedirs(cls.model_dir)
        cls.train = run("train.py", ["--epochs", "2", "--batch", "4", "--imgsz", str(IMGSZ)], {
            "SM_CHANNEL_DATASET": cls.dataset, "SM_CHANNEL_WEIGHTS": weights, "SM_MODEL_DIR": cls.model_dir,
            "SM_OUTPUT_DATA_DIR": os.path.join(cls.root, "output"),
        })
        if cls.train.returncode != 0:
            raise AssertionError(f"train.py failed:\n{cls.train.stderr}")
        cls.evaluation = cls.evaluate(cls.model_dir, "eval")
        if cls.evaluation.returncode != 0:
            raise AssertionError(f"evaluate.py failed:\n{cls.evaluation.stderr}")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)

    @classmethod
    def evaluate(cls, model_dir, name, conf="0.25", members=None):
        """Packs model_dir as SageMaker's model.tar.gz into a fresh input folder and runs evaluate.py on it."""
        inputs = os.path.join(cls.root, name, "model")
        os.makedirs(inputs)
        with tarfile.open(os.path.join(inputs, "model.tar.gz"), "w:gz") as tar:
            for member in members or sorted(os.listdir(model_dir)):
                tar.add(os.path.join(model_dir, member), arcname=member)
        return run("evaluate.py", [
            "--model-dir", inputs, "--dataset-dir", cls.dataset,
            "--output-dir", os.path.join(cls.root, name, "evaluation"),
            "--onnx-output-dir", os.path.join(cls.root, name, "onnx"),
            "--imgsz", str(IMGSZ), "--conf", conf, "--iou", "0.45", "--acceptance-images", "16",
        ], {})

    def output(self, name, *parts):
        return os.path.join(self.root, name, *parts)

    def acceptance(self, name="eval"):
        with open(self.output(name, "onnx", "acceptance", "acceptance.json"), encoding="utf-8") as handle:
            return json.load(handle)

    def test_evaluate_packs_the_acceptance_set_as_one_archive_beside_model_onnx_for_the_model_component(self):
        import zipfile
        document = self.acceptance()
        with zipfile.ZipFile(self.output("eval", "onnx", "acceptance.zip")) as archive:
            names = archive.namelist()
            self.assertEqual(json.loads(archive.read("acceptance.json")), document)
            for entry in document["images"]:
                with open(self.output("eval", "onnx", "acceptance", entry["file"]), "rb") as handle:
                    self.assertEqual(archive.read(entry["file"]), handle.read())
        self.assertEqual(sorted(names), sorted(["acceptance.json"] + [e["file"] for e in document["images"]]))

    def test_train_writes_the_model_the_way_ultralytics_exports_it_with_names_as_str_of_a_dict(self):
        written = metadata(os.path.join(self.model_dir, "model.onnx"))
        self.assertEqual(written["names"], "{0: 'scratch'}")
        self.assertEqual(written["imgsz"], f"[{IMGSZ}, {IMGSZ}]")
        self.assertEqual(written["task"], "detect")
        self.assertEqual(written["stride"], "32")
        self.assertEqual(json.loads(written["class_names"]), ["scratch"])
        self.assertEqual(sorted(os.listdir(self.model_dir)), ["best.pt", "model.json", "model.onnx"])

    def test_train_leaves_ultralytics_run_folder_with_best_pt_and_results(self):
        run_dir = os.path.join(self.root, "output", "runs", "train")
        self.assertTrue(os.path.isfile(os.path.join(run_dir, "weights", "best.pt")))
        with open(os.path.join(run_dir, "results.csv"), encoding="utf-8") as handle:
            self.assertEqual(len(handle.read().strip().splitlines()), 3)  # header and two epochs

    def test_evaluate_publishes_the_trained_onnx_graph_unchanged_with_the_drift_baseline_added_to_its_metadata(self):
        trained = onnx.load(os.path.join(self.model_dir, "model.onnx"))
        published = onnx.load(self.output("eval", "onnx", "model.onnx"))
        self.assertEqual(trained.graph.SerializeToString(), published.graph.SerializeToString())
        trained_metadata = {p.key: p.value for p in trained.metadata_props}
        published_metadata = {p.key: p.value for p in published.metadata_props}
        self.assertNotIn("edgemlops_drift_baseline", trained_metadata)
        baseline = json.loads(published_metadata.pop("edgemlops_drift_baseline"))
        self.assertEqual(trained_metadata, published_metadata)
        self.assertEqual((baseline["version"], baseline["method"], baseline["gridSize"]), (1, "psi", 48))

    def test_drift_baseline_covers_every_statistic_of_the_training_images_and_test_predictions(self):
        published = onnx.load(self.output("eval", "onnx", "model.onnx"))
        baseline = json.loads({p.key: p.value for p in published.metadata_props}["edgemlops_drift_baseline"])
        statistics = baseline["statistics"]
        self.assertEqual(sorted(statistics), sorted(["brightness", "contrast", "sharpness", "colour", "detections", "defectRate", "confidence"]))
        for name, histogram in statistics.items():
            self.assertEqual(len(histogram["proportions"]), len(histogram["edges"]) + 1, name)
            self.assertAlmostEqual(sum(histogram["proportions"]), 1.0, places=9, msg=name)
            self.assertEqual(histogram["edges"], sorted(histogram["edges"]), name)
        train_images = len(os.listdir(os.path.join(self.dataset, "images", "train")))
        test_images = len(os.listdir(os.path.join(self.dataset, "images", "test")))
        self.assertEqual((baseline["images"], baseline["predictedImages"]), (train_images, test_images))
        # The test split has defects, and the model finds some at the device threshold.
        self.assertGreater(statistics["defectRate"]["proportions"][1], 0)
        self.assertEqual(len(statistics["colour"]["proportions"]), 24)

    def test_evaluation_report_holds_metrics_of_the_onnx_model_at_the_device_thresholds(self):
        with open(self.output("eval", "evaluation", "evaluation.json"), encoding="utf-8") as handle:
            report = json.load(handle)
        self.assertEqual(report["model"], "model.onnx")
        self.assertEqual(report["thresholds"], {"confidence": 0.25, "iou": 0.45})
        for key in ("map50", "map50_95", "precision", "recall"):
            self.assertGreaterEqual(report["metrics"][key], 0)
            self.assertLessEqual(report["metrics"][key], 1)
        self.assertGreater(report["metrics"]["recall"], 0, "the fitted box should find some scratches")
        self.assertEqual(report["test_images"], len(os.listdir(os.path.join(self.dataset, "images", "test"))))

    def test_evaluation_needs_only_the_onnx_file_not_best_pt(self):
        result = self.evaluate(self.model_dir, "onnx-only", members=["model.onnx", "model.json"])
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(self.output("onnx-only", "evaluation", "evaluation.json"), encoding="utf-8") as a, \
                open(self.output("eval", "evaluation", "evaluation.json"), encoding="utf-8") as b:
            self.assertEqual(json.load(a)["metrics"], json.load(b)["metrics"])

    def test_a_higher_confidence_threshold_changes_the_metrics_the_gate_reads(self):
        result = self.evaluate(self.model_dir, "strict", conf="0.99")
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(self.output("strict", "evaluation", "evaluation.json"), encoding="utf-8") as handle:
            self.assertEqual(json.load(handle)["metrics"]["recall"], 0)
        self.assertTrue(all(not image["predictions"] for image in self.acceptance("strict")["images"]))

    def test_acceptance_set_holds_16_test_images_with_a_defect_free_one_and_every_class(self):
        document = self.acceptance()
        self.assertEqual(document["format"], "edgemlops.acceptance-set/1")
        images = document["images"]
        self.assertEqual(len(images), 16)
        test_images = set(os.listdir(os.path.join(self.dataset, "images", "test")))
        self.assertTrue(all(os.path.basename(i["file"]) in test_images for i in images))
        self.assertTrue(any(not i["labels"] for i in images), "no defect-free image")
        self.assertTrue(any(label["classId"] == 0 for i in images for label in i["labels"]))

    def test_acceptance_set_names_the_published_model_by_hash_and_carries_its_images(self):
        document = self.acceptance()
        with open(self.output("eval", "onnx", "model.onnx"), "rb") as handle:
            self.assertEqual(document["model"]["sha256"], hashlib.sha256(handle.read()).hexdigest())
        self.assertEqual(document["model"]["classNames"], ["scratch"])
        self.assertEqual(document["model"]["imageSize"], IMGSZ)
        for image in document["images"]:
            with open(self.output("eval", "onnx", "acceptance", image["file"]), "rb") as handle:
                self.assertEqual(hashlib.sha256(handle.read()).hexdigest(), image["sha256"])
            self.assertEqual((image["width"], image["height"]), (450, 300))

    def test_acceptance_predictions_are_the_models_boxes_at_the_thresholds_in_image_pixels(self):
        document = self.acceptance()
        self.assertEqual(document["thresholds"], {"confidence": 0.25, "iou": 0.45})
        predictions = [p for i in document["images"] for p in i["predictions"]]
        self.assertTrue(predictions)
        for p in predictions:
            self.assertGreater(p["confidence"], 0.25)
            x1, y1, x2, y2 = p["box"]
            self.assertTrue(0 <= x1 < x2 <= 450 and 0 <= y1 < y2 <= 300, p)
        # The stand-in's shifted anchor overlaps its original (IoU 0.82 > 0.45): NMS removes it, so no two kept
        # boxes of a class overlap by more than the IoU threshold.
        for image in document["images"]:
            boxes = [p["box"] for p in image["predictions"]]
            for i, a in enumerate(boxes):
                for b in boxes[i + 1:]:
                    self.assertLessEqual(iou(a, b), 0.45, image["file"])

    def test_acceptance_set_carries_the_evaluation_metrics(self):
        with open(self.output("eval", "evaluation", "evaluation.json"), encoding="utf-8") as handle:
            self.assertEqual(self.acceptance()["metrics"], json.load(handle)["metrics"])

    def test_acceptance_set_is_the_same_on_a_second_run(self):
        result = self.evaluate(self.model_dir, "again")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.acceptance("again"), self.acceptance())

    def test_evaluate_refuses_a_model_whose_names_were_rewritten_as_json(self):
        tampered_dir = os.path.join(self.root, "tampered-model")
        shutil.copytree(self.model_dir, tampered_dir)
        model = onnx.load(os.path.join(tampered_dir, "model.onnx"))
        next(p for p in model.metadata_props if p.key == "names").value = json.dumps({"0": "scratch"})
        onnx.save(model, os.path.join(tampered_dir, "model.onnx"))
        result = self.evaluate(tampered_dir, "tampered")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("names", result.stderr)
        self.assertFalse(os.path.exists(self.output("tampered", "evaluation", "evaluation.json")))


if __name__ == "__main__":
    unittest.main()
