"""ONNX export and loading of the stand-in's constant detector (python3-onnx; no ONNX Runtime needed)."""

import ast
from datetime import datetime

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
GRAPH_OPS = ["ReduceMax", "Mul", "Add"]


def export(path, table, names, imgsz, batch, version, data):
    """
    Writes ``output0 = table + 0 * max(images)``: input ``images`` [1, 3, imgsz, imgsz], output ``output0``
    [1, 4 + nc, N], the YOLOv8 layout. Metadata as ultralytics' exporter writes it: each value as ``str(value)``.
    """
    rows, anchors = table.shape
    images = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, imgsz, imgsz])
    output = helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, rows, anchors])
    graph = helper.make_graph(
        [
            helper.make_node("ReduceMax", ["images"], ["max"], keepdims=0),
            helper.make_node("Mul", ["max", "zero"], ["nothing"]),
            helper.make_node("Add", ["table", "nothing"], ["output0"]),
        ],
        "stand_in_yolov8",
        [images],
        [output],
        [numpy_helper.from_array(np.float32(0), "zero"), numpy_helper.from_array(table.reshape(1, rows, anchors), "table")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="pytorch")
    onnx.checker.check_model(model)
    metadata = {
        "description": f"Ultralytics YOLOv8n model trained on {data}",
        "author": "Ultralytics",
        "date": datetime.now().isoformat(),
        "version": version,
        "license": "AGPL-3.0 License (https://ultralytics.com/license)",
        "docs": "https://docs.ultralytics.com",
        "stride": 32,
        "task": "detect",
        "batch": batch,
        "imgsz": [imgsz, imgsz],
        "names": dict(names),
    }
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, str(value)
    onnx.save(model, path)
    return path


def load(path):
    """
    (table, names, imgsz) of an ONNX model this package exported. The stand-in cannot run other graphs (there is
    no ONNX Runtime for Python here), so it refuses them instead of guessing.
    """
    model = onnx.load(path)
    ops = [node.op_type for node in model.graph.node]
    initializers = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    if ops != GRAPH_OPS or "table" not in initializers:
        raise NotImplementedError(f"{path}: the stand-in ultralytics runs only the ONNX models it exported (ops {ops})")
    metadata = {p.key: p.value for p in model.metadata_props}
    # AutoBackend reads the metadata the same way: names and imgsz are Python literals.
    names = ast.literal_eval(metadata["names"])
    imgsz = ast.literal_eval(metadata["imgsz"])
    table = initializers["table"]
    return table.reshape(table.shape[-2], table.shape[-1]), {int(k): v for k, v in names.items()}, int(imgsz[0])
