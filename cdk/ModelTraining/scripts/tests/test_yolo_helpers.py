import contextlib
import importlib.util
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
    def test_reads_names_in_the_form_ultralytics_writes(self):
        self.assertEqual(yolo_helpers.parse_ultralytics_names("{0: 'scratch', 1: \"rust spot\"}"), ["scratch", "rust spot"])

    def test_refuses_names_rewritten_as_json_with_string_ids(self):
        with self.assertRaises(ValueError):
            yolo_helpers.parse_ultralytics_names('{"0": "scratch"}')

    def test_accepts_exported_metadata_matching_the_dataset(self):
        yolo_helpers.check_exported_metadata({"names": "{0: 'scratch'}", "imgsz": "[640, 640]"}, ["scratch"], 640)

    def test_fails_listing_every_mismatch_between_the_export_and_the_dataset(self):
        with self.assertRaises(ValueError) as raised:
            yolo_helpers.check_exported_metadata({"names": "{0: 'dent', 1: 'scratch'}", "imgsz": "[320, 320]"}, ["scratch", "dent"], 640)
        self.assertIn("differ from the dataset's classNames", str(raised.exception))
        self.assertIn("imgsz", str(raised.exception))

    def test_class_names_entry_is_a_json_list(self):
        self.assertEqual(json.loads(yolo_helpers.class_names_metadata(["scratch", "dent"])), ["scratch", "dent"])


class AcceptanceSelectionTests(unittest.TestCase):
    ITEMS = [(f"/d/images/test/img{i:02d}.jpg", boxes) for i, boxes in enumerate(
        [[(0, 0.5, 0.5, 0.1, 0.1)]] * 20 + [[(1, 0.5, 0.5, 0.1, 0.1)]] + [[]] * 2)]

    def test_covers_every_class_and_a_defect_free_image(self):
        chosen = yolo_helpers.select_acceptance_images(self.ITEMS, 2, 4)
        self.assertEqual(len(chosen), 4)
        classes = {box[0] for _, boxes in chosen for box in boxes}
        self.assertEqual(classes, {0, 1})
        self.assertTrue(any(not boxes for _, boxes in chosen))

    def test_is_deterministic_and_independent_of_input_order(self):
        first = yolo_helpers.select_acceptance_images(self.ITEMS, 2, 5)
        second = yolo_helpers.select_acceptance_images(list(reversed(self.ITEMS)), 2, 5)
        self.assertEqual(first, second)

    def test_takes_the_whole_split_when_it_is_smaller_than_k(self):
        self.assertEqual(len(yolo_helpers.select_acceptance_images(self.ITEMS, 2, 100)), len(self.ITEMS))

    def test_fails_if_k_cannot_cover_the_classes_and_a_defect_free_image(self):
        with self.assertRaises(ValueError) as raised:
            yolo_helpers.select_acceptance_images(self.ITEMS, 2, 2)
        self.assertIn("at least 3", str(raised.exception))

    def test_converts_yolo_labels_to_pixel_corners(self):
        self.assertEqual(yolo_helpers.label_boxes_in_pixels([(0, 0.5, 0.5, 0.2, 0.1)], 450, 300),
                         [{"classId": 0, "box": [180.0, 135.0, 270.0, 165.0]}])

    def test_orders_predictions_best_first(self):
        entries = yolo_helpers.prediction_entries([[0, 0, 1, 1], [2, 2, 3, 3]], [0.0, 1.0], [0.3, 0.9])
        self.assertEqual([e["classId"] for e in entries], [1, 0])


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
    def test_extracts_model_tar_gz_in_place(self):
        with tempfile.TemporaryDirectory() as folder:
            with tarfile.open(os.path.join(folder, "model.tar.gz"), "w:gz") as tar:
                data = b"weights"
                info = tarfile.TarInfo("best.pt")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            self.assertEqual(yolo_helpers.extract_model(folder), folder)
            with open(os.path.join(folder, "best.pt"), "rb") as handle:
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


def checkerboard(width, height, dark, light, cell):
    import numpy as np

    ys, xs = np.mgrid[0:height, 0:width]
    grey = np.where(((xs // cell) + (ys // cell)) % 2 == 0, dark, light).astype(np.uint8)
    return np.stack([grey, grey, grey], axis=2)


@unittest.skipIf(importlib.util.find_spec("numpy") is None, "numpy is not installed")
class DriftBaselineTests(unittest.TestCase):
    # The same images and values as the component's DriftMonitorTests: both sides compute the statistics alike.
    def test_a_uniform_image_has_its_grey_as_brightness_and_no_contrast_or_sharpness(self):
        brightness, contrast, sharpness, colour = yolo_helpers.image_statistics(checkerboard(450, 300, 100, 100, 1))
        self.assertAlmostEqual(brightness, 100, places=6)
        self.assertAlmostEqual(contrast, 0, places=6)
        self.assertAlmostEqual(sharpness, 0, places=6)
        points = 48 * 48
        self.assertEqual(colour, [0, 0, 0, points, 0, 0, 0, 0] * 3)

    def test_a_one_pixel_checkerboard_has_the_sharpness_the_component_computes(self):
        brightness, contrast, sharpness, _ = yolo_helpers.image_statistics(checkerboard(450, 300, 0, 200, 1))
        self.assertAlmostEqual(brightness, 100, places=0)
        self.assertAlmostEqual(contrast, 100, places=0)
        self.assertAlmostEqual(sharpness, 800, places=6)
        self.assertGreater(yolo_helpers.image_statistics(checkerboard(1920, 1080, 0, 200, 3))[2], 400)
        self.assertLess(yolo_helpers.image_statistics(checkerboard(450, 300, 0, 200, 50))[2], 100)

    def test_bins_count_the_edges_at_or_below_a_value(self):
        self.assertEqual([yolo_helpers.drift_bin([0.5, 1.5], v) for v in (0, 0.5, 1, 1.5, 7)], [0, 1, 1, 2, 2])

    def test_baseline_holds_decile_bins_of_the_images_and_fixed_bins_of_the_predictions(self):
        stats = [(float(b), 10.0, 50.0, [1] * 24) for b in range(100)]
        predictions = [[0.85], [], [0.35, 0.95], [0.7]]
        baseline = yolo_helpers.drift_baseline(stats, predictions)
        brightness = baseline["statistics"]["brightness"]
        self.assertEqual(len(brightness["edges"]), 9)
        self.assertTrue(all(abs(p - 0.1) < 1e-9 for p in brightness["proportions"]))
        # A constant statistic has one edge: everything falls in the bin above it.
        self.assertEqual(baseline["statistics"]["contrast"], {"edges": [10.0], "proportions": [0.0, 1.0]})
        self.assertEqual(baseline["statistics"]["detections"]["proportions"], [0.25, 0.5, 0.25, 0.0, 0.0, 0.0])
        self.assertEqual(baseline["statistics"]["defectRate"]["proportions"], [0.25, 0.75])
        self.assertEqual(baseline["statistics"]["confidence"]["proportions"], [0, 0, 0, 0.25, 0, 0, 0, 0.25, 0.25, 0.25])
        self.assertEqual(baseline["statistics"]["colour"]["proportions"], [1 / 24] * 24)
        self.assertEqual((baseline["images"], baseline["predictedImages"]), (100, 4))

    def test_baseline_needs_images_and_predictions(self):
        with self.assertRaises(ValueError):
            yolo_helpers.drift_baseline([], [[0.5]])
        with self.assertRaises(ValueError):
            yolo_helpers.drift_baseline([(1.0, 1.0, 1.0, [0] * 24)], [])
