"""
A stand-in for the ``ultralytics`` package, for the tests of train.py and evaluate.py only (never shipped: the
training image installs the real ultralytics, and SourceDirArchive packs only the three scripts).

It implements the parts of ultralytics' documented API the scripts call, with the same shapes:
``YOLO(model, task=None)``, ``.train(...)`` (writes ``<project>/<name>/weights/best.pt``, ``last.pt``,
``results.csv``, ``args.yaml``), ``.export(format="onnx", ...)`` (a real ONNX file beside the weights with the
metadata ultralytics' exporter writes, each value as ``str(value)``), ``.val(...)`` (``metrics.box.map50``, ``.map``,
``.mp``, ``.mr``, ``.ap_class_index``, ``.class_result(i)``) and ``.predict(...)`` (Results with ``path``,
``orig_shape``, ``names`` and ``boxes.xyxy``/``.cls``/``.conf``).

The "network" is a constant detector: training fits one box per class (the median label box of the training split)
and writes it as a YOLOv8-layout output table, so the exported ONNX model returns that table whatever the image
(``output0 = table + 0 * max(images)``) and ONNX Runtime on a device computes exactly what this package predicts.
What it does not prove is listed in docs/training.md ("The stand-in ultralytics").
"""

from ._model import YOLO

__version__ = "8.3.40+stand-in"

__all__ = ["YOLO", "__version__"]
