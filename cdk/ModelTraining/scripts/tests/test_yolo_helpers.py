import contextlib
import io
import json
import os
import sys
import tarfile
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import yolo_helpers  # noqa: E402


class DataYamlTests(unittest.TestCase):
    def test_lists_the_three_splits_and_the_class_names_by_index(self):
        text = yolo_helpers.data_yaml_text("/data/set", ["scratch", "dent"])
        self.assertEqual(
            text,
            'path: "/data/set"\ntrain: images/train\nval: images/val\ntest: images/test\n'
            'names:\n  0: "scratch"\n  1: "dent"\n',
        )


class ManifestTests(unittest.TestCase):
    def test_reads_the_class_names(self):
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "dataset.json"), "w") as handle:
                json.dump({"classNames": ["scratch"], "snapshotId": "abc"}, handle)
            self.assertEqual(yolo_helpers.read_manifest(folder)["classNames"], ["scratch"])

    def test_fails_if_the_manifest_is_missing(self):
        with tempfile.TemporaryDirectory() as folder:
            with self.assertRaises(FileNotFoundError):
                yolo_helpers.read_manifest(folder)

    def test_fails_if_class_names_are_empty(self):
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "dataset.json"), "w") as handle:
                json.dump({"classNames": []}, handle)
            with self.assertRaises(ValueError):
                yolo_helpers.read_manifest(folder)


class HyperparameterTests(unittest.TestCase):
    def test_parses_script_mode_arguments(self):
        args = yolo_helpers.parse_hyperparameters(["--epochs", "50", "--batch", "16", "--imgsz", "640", "--weights-file", "yolov8s.pt"])
        self.assertEqual((args.epochs, args.batch, args.imgsz, args.weights_file), (50, 16, 640, "yolov8s.pt"))

    def test_fails_if_the_image_size_is_not_a_multiple_of_32(self):
        # argparse reports to stderr; capture it so a passing run prints no error line.
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), self.assertRaises(SystemExit):
            yolo_helpers.parse_hyperparameters(["--epochs", "1", "--batch", "1", "--imgsz", "100"])
        self.assertIn("imgsz must be a positive multiple of 32, got 100", stderr.getvalue())


class OnnxMetadataTests(unittest.TestCase):
    def test_holds_class_names_and_square_image_size(self):
        metadata = yolo_helpers.onnx_metadata(["scratch"], 640)
        self.assertEqual(json.loads(metadata["class_names"]), ["scratch"])
        self.assertEqual(json.loads(metadata["names"]), {"0": "scratch"})
        self.assertEqual(json.loads(metadata["imgsz"]), [640, 640])


class EvaluationReportTests(unittest.TestCase):
    def test_puts_map50_where_the_pipeline_condition_reads_it(self):
        report = yolo_helpers.evaluation_report(["scratch", "dent"], 0.61234567, 0.4, 0.7, 0.55, {0: (0.61, 0.4, 0.72, 0.5)}, 28)
        self.assertEqual(report["metrics"]["map50"], 0.612346)
        self.assertEqual(report["metrics"]["map50_95"], 0.4)
        self.assertEqual(report["test_images"], 28)

    def test_reports_precision_and_recall_per_class(self):
        report = yolo_helpers.evaluation_report(
            ["scratch", "dent"], 0.5, 0.3, 0.6, 0.5, {0: (0.61, 0.4, 0.7234567, 0.5), 1: (0.2, 0.1, 0.3, 0.25)}, 10)
        self.assertEqual(report["per_class"][0], {"class_id": 0, "name": "scratch", "ap50": 0.61, "ap50_95": 0.4, "precision": 0.723457, "recall": 0.5})
        self.assertEqual(report["per_class"][1], {"class_id": 1, "name": "dent", "ap50": 0.2, "ap50_95": 0.1, "precision": 0.3, "recall": 0.25})

    def test_reports_null_metrics_for_a_class_absent_from_the_test_split(self):
        report = yolo_helpers.evaluation_report(["scratch", "dent"], 0.5, 0.3, 0.6, 0.5, {0: (0.61, 0.4, 0.7, 0.5)}, 10)
        self.assertEqual(report["per_class"][1], {"class_id": 1, "name": "dent", "ap50": None, "ap50_95": None, "precision": None, "recall": None})

    def test_fails_if_a_per_class_metric_is_out_of_range_or_names_an_unknown_class(self):
        with self.assertRaises(ValueError):
            yolo_helpers.evaluation_report(["scratch"], 0.5, 0.3, 0.6, 0.5, {0: (0.61, 0.4, 1.2, 0.5)}, 10)
        with self.assertRaises(ValueError):
            yolo_helpers.evaluation_report(["scratch"], 0.5, 0.3, 0.6, 0.5, {3: (0.61, 0.4, 0.7, 0.5)}, 10)
        with self.assertRaises(ValueError):
            yolo_helpers.evaluation_report(["scratch"], 0.5, 0.3, 0.6, 0.5, {0: (0.61, 0.4)}, 10)

    def test_fails_on_a_metric_outside_0_to_1(self):
        with self.assertRaises(ValueError):
            yolo_helpers.evaluation_report(["scratch"], 1.5, 0.4, 0.7, 0.5, {}, 1)
        with self.assertRaises(ValueError):
            yolo_helpers.evaluation_report(["scratch"], float("nan"), 0.4, 0.7, 0.5, {}, 1)


class ModelArtifactTests(unittest.TestCase):
    def test_extracts_best_pt_from_model_tar_gz(self):
        with tempfile.TemporaryDirectory() as folder:
            with tarfile.open(os.path.join(folder, "model.tar.gz"), "w:gz") as tar:
                data = b"weights"
                info = tarfile.TarInfo("best.pt")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            path = yolo_helpers.extract_model(folder)
            with open(path, "rb") as handle:
                self.assertEqual(handle.read(), b"weights")

    def test_refuses_an_archive_member_outside_the_folder(self):
        with tempfile.TemporaryDirectory() as folder:
            with tarfile.open(os.path.join(folder, "model.tar.gz"), "w:gz") as tar:
                info = tarfile.TarInfo("../evil.pt")
                info.size = 1
                tar.addfile(info, io.BytesIO(b"x"))
            with self.assertRaises(ValueError):
                yolo_helpers.extract_model(folder)

    def test_counts_images_of_a_split(self):
        with tempfile.TemporaryDirectory() as folder:
            os.makedirs(os.path.join(folder, "images", "test"))
            for name in ("a.jpg", "b.jpg"):
                open(os.path.join(folder, "images", "test", name), "w").close()
            self.assertEqual(yolo_helpers.count_images(folder, "test"), 2)
            self.assertEqual(yolo_helpers.count_images(folder, "val"), 0)


class PublishOnnxTests(unittest.TestCase):
    def test_copies_model_onnx_to_the_output_folder(self):
        with tempfile.TemporaryDirectory() as model, tempfile.TemporaryDirectory() as out:
            with open(os.path.join(model, "model.onnx"), "wb") as handle:
                handle.write(b"onnx-bytes")
            target = yolo_helpers.publish_onnx(model, os.path.join(out, "onnx"))
            self.assertEqual(target, os.path.join(out, "onnx", "model.onnx"))
            with open(target, "rb") as handle:
                self.assertEqual(handle.read(), b"onnx-bytes")

    def test_fails_if_the_training_job_exported_no_onnx(self):
        with tempfile.TemporaryDirectory() as model, tempfile.TemporaryDirectory() as out:
            with self.assertRaises(FileNotFoundError):
                yolo_helpers.publish_onnx(model, out)
            self.assertEqual(os.listdir(out), [])


if __name__ == "__main__":
    unittest.main()
