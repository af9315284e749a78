using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.Cdk.ModelTraining.Pipelines;

namespace EdgeMlOps.ModelTraining.Tests.Pipelines;

public sealed partial class TrainingPipelineDefinitionTests
{
    private static readonly string[] ParameterTypes = ["String", "Integer", "Float", "Boolean"];

    // Parsed back from the written text, so the tests see exactly what SageMaker receives.
    private readonly JsonObject _definition = JsonNode.Parse(TrainingPipelineDefinition.Create(TestSettings.PipelineInputs()).ToJsonString())!.AsObject();

    private JsonArray Steps => _definition["Steps"]!.AsArray();

    [Fact]
    public void Definition_has_the_pipeline_schema_structure()
    {
        Assert.Equal("2020-12-01", _definition["Version"]!.GetValue<string>());
        Assert.IsType<JsonObject>(_definition["Metadata"]);
        Assert.NotEmpty(_definition["Parameters"]!.AsArray());
        foreach (var step in AllSteps())
        {
            Assert.Matches(StepNamePattern(), step["Name"]!.GetValue<string>());
            Assert.Contains(step["Type"]!.GetValue<string>(), new[] { "Lambda", "Training", "Processing", "Condition", "RegisterModel", "Fail" });
            Assert.IsType<JsonObject>(step["Arguments"]);
        }
    }

    [Fact]
    public void Every_parameter_has_a_name_a_type_and_a_default_of_that_type()
    {
        foreach (var parameter in _definition["Parameters"]!.AsArray().Select(p => p!.AsObject()))
        {
            var name = parameter["Name"]!.GetValue<string>();
            var type = parameter["Type"]!.GetValue<string>();
            Assert.Contains(type, ParameterTypes);
            var value = parameter["DefaultValue"] ?? throw new Xunit.Sdk.XunitException($"parameter {name} has no default");
            var kind = value.GetValueKind();
            switch (type)
            {
                case "String":
                    Assert.Equal(System.Text.Json.JsonValueKind.String, kind);
                    Assert.False(string.IsNullOrEmpty(value.GetValue<string>()), $"parameter {name} has an empty default");
                    break;
                case "Integer":
                    Assert.Equal(System.Text.Json.JsonValueKind.Number, kind);
                    Assert.Equal(value.GetValue<double>(), Math.Floor(value.GetValue<double>()));
                    break;
                case "Float":
                    Assert.Equal(System.Text.Json.JsonValueKind.Number, kind);
                    break;
                default:
                    Assert.Contains(kind, new[] { System.Text.Json.JsonValueKind.True, System.Text.Json.JsonValueKind.False });
                    break;
            }
        }
    }

    [Fact]
    public void Has_prepare_train_evaluate_and_condition_steps_in_that_order()
    {
        Assert.Equal(
            [("PrepareDataset", "Lambda"), ("Train", "Training"), ("Evaluate", "Processing"), ("CheckMapThreshold", "Condition")],
            Steps.Select(s => (s!["Name"]!.GetValue<string>(), s["Type"]!.GetValue<string>())).ToArray());
    }

    [Fact]
    public void Condition_registers_when_map50_reaches_the_threshold_and_fails_with_both_values_otherwise()
    {
        var arguments = Steps[3]!["Arguments"]!;
        var condition = arguments["Conditions"]!.AsArray().Single()!;
        Assert.Equal("GreaterThanOrEqualTo", condition["Type"]!.GetValue<string>());
        var jsonGet = condition["LeftValue"]!["Std:JsonGet"]!;
        Assert.Equal("Steps.Evaluate.PropertyFiles.EvaluationReport", jsonGet["PropertyFile"]!["Get"]!.GetValue<string>());
        Assert.Equal("metrics.map50", jsonGet["Path"]!.GetValue<string>());
        Assert.Equal("Parameters.MapThreshold", condition["RightValue"]!["Get"]!.GetValue<string>());

        var register = arguments["IfSteps"]!.AsArray().Single()!;
        Assert.Equal("RegisterModel", register["Type"]!.GetValue<string>());
        Assert.Equal("edgemlops-dev-models", register["Arguments"]!["ModelPackageGroupName"]!.GetValue<string>());
        Assert.Equal("Parameters.ModelApprovalStatus", register["Arguments"]!["ModelApprovalStatus"]!["Get"]!.GetValue<string>());
        // CreateModelPackage documents ModelDataUrl as a .tar.gz archive: it stays the training job's output.
        Assert.Equal("Steps.Train.ModelArtifacts.S3ModelArtifacts", register["Arguments"]!["InferenceSpecification"]!["Containers"]![0]!["ModelDataUrl"]!["Get"]!.GetValue<string>());

        var fail = arguments["ElseSteps"]!.AsArray().Single()!;
        Assert.Equal("Fail", fail["Type"]!.GetValue<string>());
        var message = fail["Arguments"]!["ErrorMessage"]!.ToJsonString();
        Assert.Contains("metrics.map50", message, StringComparison.Ordinal);
        Assert.Contains("Parameters.MapThreshold", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registered_package_carries_metrics_and_the_metadata_the_edge_needs()
    {
        var register = Steps[3]!["Arguments"]!["IfSteps"]![0]!["Arguments"]!;
        Assert.Equal("application/json", register["ModelMetrics"]!["ModelQuality"]!["Statistics"]!["ContentType"]!.GetValue<string>());
        var metadata = register["CustomerMetadataProperties"]!.AsObject();
        foreach (var key in new[] { "onnxModelUri", "imageSize", "classNames", "datasetSnapshotId", "labelCount", "imageCount", "sourceCommit", "map50", "map50_95" })
        {
            Assert.True(metadata.ContainsKey(key), $"metadata lacks {key}");
        }

        Assert.Equal("scratch", metadata["classNames"]!.GetValue<string>());
        Assert.Equal("Parameters.SourceCommit", metadata["sourceCommit"]!["Get"]!.GetValue<string>());
        // The lineage the release ledger and `fleet status` read: the labeling jobs behind the dataset, from the PrepareDataset step.
        Assert.Equal("Steps.PrepareDataset.OutputParameters['LabelingJobs']", metadata[EdgeMlOps.Contracts.ModelPackageMetadata.LabelingJobs]!["Get"]!.GetValue<string>());
        var onnx = metadata["onnxModelUri"]!["Std:Join"]!["Values"]!.AsArray();
        Assert.Equal("Steps.Evaluate.ProcessingOutputConfig.Outputs['onnx'].S3Output.S3Uri", onnx[0]!["Get"]!.GetValue<string>());
        Assert.Equal("/model.onnx", onnx[1]!.GetValue<string>());
    }

    [Fact]
    public void Configured_batch_size_reaches_the_train_step_hyperparameters()
    {
        var definition = Definition(TestSettings.Dev.Training with { BatchSize = 24 });

        var train = StepArguments(definition, "Train");
        var batch = train["HyperParameters"]!["batch"]!;
        // Script-mode hyperparameters are strings: the Integer parameter is joined into one.
        Assert.Equal("Parameters.BatchSize", batch["Std:Join"]!["Values"]![0]!["Get"]!.GetValue<string>());
        Assert.Equal(24, ParameterDefault(definition, "BatchSize").GetValue<int>());
    }

    [Fact]
    public void Configured_processing_instance_type_reaches_the_evaluate_step()
    {
        var definition = Definition(TestSettings.Dev.Training with { ProcessingInstanceType = "ml.c5.2xlarge" });

        var cluster = StepArguments(definition, "Evaluate")["ProcessingResources"]!["ClusterConfig"]!;
        Assert.Equal("Parameters.EvaluationInstanceType", cluster["InstanceType"]!["Get"]!.GetValue<string>());
        Assert.Equal("ml.c5.2xlarge", ParameterDefault(definition, "EvaluationInstanceType").GetValue<string>());
        // and not the training instance
        Assert.NotEqual("Parameters.TrainingInstanceType", cluster["InstanceType"]!["Get"]!.GetValue<string>());
    }

    [Fact]
    public void Evaluate_publishes_the_onnx_file_at_a_per_execution_path_under_models()
    {
        var evaluate = Steps[2]!["Arguments"]!;
        var output = evaluate["ProcessingOutputConfig"]!["Outputs"]!.AsArray().Single(o => o!["OutputName"]!.GetValue<string>() == "onnx")!;
        var uri = output["S3Output"]!["S3Uri"]!["Std:Join"]!["Values"]!.AsArray();
        Assert.Equal("s3://artifacts-bucket/models/onnx/", uri[0]!.GetValue<string>());
        Assert.Equal("Execution.PipelineExecutionId", uri[1]!["Get"]!.GetValue<string>());
        var localPath = output["S3Output"]!["LocalPath"]!.GetValue<string>();
        var arguments = evaluate["AppSpecification"]!["ContainerArguments"]!.AsArray().Select(a => a!.ToJsonString()).ToList();
        Assert.Equal($"\"{localPath}\"", arguments[arguments.IndexOf("\"--onnx-output-dir\"") + 1]);
    }

    [Fact]
    public void Evaluate_scores_at_the_device_thresholds_of_the_edge_settings_passed_as_parameters()
    {
        var evaluate = StepArguments(_definition, TrainingPipelineDefinition.EvaluateStepName);
        var arguments = evaluate["AppSpecification"]!["ContainerArguments"]!.AsArray();
        string ParameterAfter(string flag) =>
            arguments[arguments.Select(a => a!.ToJsonString()).ToList().IndexOf($"\"{flag}\"") + 1]!["Std:Join"]!["Values"]![0]!["Get"]!.GetValue<string>();

        Assert.Equal("Parameters.DeviceConfidenceThreshold", ParameterAfter("--conf"));
        Assert.Equal("Parameters.DeviceIouThreshold", ParameterAfter("--iou"));
        Assert.Equal("Parameters.AcceptanceImages", ParameterAfter("--acceptance-images"));
        Assert.Equal(TestSettings.Dev.Edge.Inference.ConfidenceThreshold, ParameterDefault(_definition, "DeviceConfidenceThreshold").GetValue<double>());
        Assert.Equal(TestSettings.Dev.Edge.Inference.IouThreshold, ParameterDefault(_definition, "DeviceIouThreshold").GetValue<double>());
        Assert.Equal(16, ParameterDefault(_definition, "AcceptanceImages").GetValue<int>());
    }

    [Fact]
    public void Other_device_thresholds_become_the_parameter_defaults()
    {
        var definition = JsonNode.Parse(TrainingPipelineDefinition.Create(TestSettings.PipelineInputs() with { DeviceThresholds = new DeviceThresholds(0.4, 0.6) }).ToJsonString())!.AsObject();

        Assert.Equal(0.4, ParameterDefault(definition, "DeviceConfidenceThreshold").GetValue<double>());
        Assert.Equal(0.6, ParameterDefault(definition, "DeviceIouThreshold").GetValue<double>());
    }

    [Fact]
    public void Registers_the_acceptance_set_beside_the_onnx_file()
    {
        var register = AllSteps().Single(s => s["Type"]!.GetValue<string>() == "RegisterModel");
        var metadata = register["Arguments"]!["CustomerMetadataProperties"]!;

        Assert.Equal(
            metadata["onnxModelUri"]!.ToJsonString().Replace("/model.onnx", "/acceptance/acceptance.json", StringComparison.Ordinal),
            metadata["acceptanceSetUri"]!.ToJsonString());
    }

    [Fact]
    public void Fails_if_the_device_thresholds_are_outside_0_to_1()
    {
        var error = Assert.Throws<ArgumentException>(() => TrainingPipelineDefinition.Create(TestSettings.PipelineInputs() with { DeviceThresholds = new DeviceThresholds(1.5, 0.45) }));
        Assert.Contains("edge.inference.confidenceThreshold", error.Message, StringComparison.Ordinal);
        Assert.Contains("1.5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_if_the_classes_and_a_defect_free_image_do_not_fit_the_acceptance_set()
    {
        var names = Enumerable.Range(0, 16).Select(i => $"c{i}").ToList();
        var error = Assert.Throws<ArgumentException>(() => TrainingPipelineDefinition.Create(TestSettings.PipelineInputs(classNames: names)));
        Assert.Contains("acceptance set of 16 images", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scratch,dent")]
    [InlineData("scratch/dent")]
    [InlineData("\"quoted\"")]
    public void Fails_if_a_class_name_holds_a_character_model_package_metadata_rejects(string className)
    {
        var error = Assert.Throws<ArgumentException>(() => TrainingPipelineDefinition.Create(TestSettings.PipelineInputs(classNames: ["ok", className])));
        Assert.Contains("labeling.classLabels", error.Message, StringComparison.Ordinal);
        Assert.Contains(className, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_if_the_joined_class_names_exceed_a_metadata_value()
    {
        var names = Enumerable.Range(0, 30).Select(i => $"defect-class-{i:00}").ToList();
        var error = Assert.Throws<ArgumentException>(() => TrainingPipelineDefinition.Create(TestSettings.PipelineInputs(classNames: names)));
        Assert.Contains("at most 256", error.Message, StringComparison.Ordinal);
    }

    private static JsonObject Definition(EdgeMlOps.Cdk.Shared.Configuration.TrainingSettings training) =>
        JsonNode.Parse(TrainingPipelineDefinition.Create(TestSettings.PipelineInputs(training)).ToJsonString())!.AsObject();

    private static JsonNode StepArguments(JsonObject definition, string stepName) =>
        definition["Steps"]!.AsArray().Single(s => s!["Name"]!.GetValue<string>() == stepName)!["Arguments"]!;

    private static JsonNode ParameterDefault(JsonObject definition, string name) =>
        definition["Parameters"]!.AsArray().Single(p => p!["Name"]!.GetValue<string>() == name)!["DefaultValue"]!;

    [Fact]
    public void Every_property_reference_points_at_a_declared_parameter_or_an_output_of_an_earlier_step()
    {
        var parameters = _definition["Parameters"]!.AsArray().Select(p => p!["Name"]!.GetValue<string>()).ToHashSet();
        var outputsSoFar = new HashSet<string>(StringComparer.Ordinal);
        var checkedReferences = 0;
        foreach (var top in Steps.Select(s => s!.AsObject()))
        {
            foreach (var step in Flatten(top))
            {
                var own = step.DeepClone().AsObject();
                own["Arguments"]!.AsObject().Remove("IfSteps");
                own["Arguments"]!.AsObject().Remove("ElseSteps");
                foreach (var reference in References(own))
                {
                    checkedReferences++;
                    if (reference.StartsWith("Parameters.", StringComparison.Ordinal))
                    {
                        Assert.Contains(reference["Parameters.".Length..], parameters);
                    }
                    else if (!reference.StartsWith("Execution.", StringComparison.Ordinal))
                    {
                        Assert.True(outputsSoFar.Contains(reference), $"{step["Name"]} reads {reference}, which no earlier step produces");
                    }
                }
            }

            foreach (var step in Flatten(top))
            {
                outputsSoFar.UnionWith(OutputsOf(step));
            }
        }

        Assert.True(checkedReferences > 20, $"only {checkedReferences} references found");
    }

    [Fact]
    public void Configured_values_are_the_parameter_defaults_and_drive_the_jobs()
    {
        var settings = TestSettings.Dev.Training with { Epochs = 7, BatchSize = 4, ImageSize = 320, MapThreshold = 0.65, TrainingInstanceType = "ml.g5.xlarge" };
        var definition = TrainingPipelineDefinition.Create(TestSettings.PipelineInputs(settings)).ToJson();
        var defaults = definition["Parameters"]!.AsArray().ToDictionary(p => p!["Name"]!.GetValue<string>(), p => p!["DefaultValue"]!.ToJsonString());
        Assert.Equal("7", defaults["Epochs"]);
        Assert.Equal("4", defaults["BatchSize"]);
        Assert.Equal("320", defaults["ImageSize"]);
        Assert.Equal("0.65", defaults["MapThreshold"]);
        Assert.Equal("\"ml.g5.xlarge\"", defaults["TrainingInstanceType"]);

        var train = definition["Steps"]![1]!["Arguments"]!;
        Assert.Equal("Parameters.TrainingInstanceType", train["ResourceConfig"]!["InstanceType"]!["Get"]!.GetValue<string>());
        Assert.Contains("Parameters.Epochs", train["HyperParameters"]!["epochs"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("Parameters.ImageSize", train["HyperParameters"]!["imgsz"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("Parameters.ImageSize", definition["Steps"]![2]!["Arguments"]!["AppSpecification"]!["ContainerArguments"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dataset_evaluation_and_model_paths_are_per_execution()
    {
        var prepare = Steps[0]!["Arguments"]!["OutputUri"]!.ToJsonString();
        Assert.Contains("Execution.PipelineExecutionId", prepare, StringComparison.Ordinal);
        var evaluation = Steps[2]!["Arguments"]!["ProcessingOutputConfig"]!["Outputs"]![0]!["S3Output"]!["S3Uri"]!.ToJsonString();
        Assert.Contains("Execution.PipelineExecutionId", evaluation, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_if_a_step_reads_an_undeclared_parameter()
    {
        var definition = new PipelineDefinition();
        definition.AddStep(new FailStep("Stop", PipelineExpression.Get("Parameters.Missing")));
        var error = Assert.Throws<InvalidOperationException>(() => definition.ToJson());
        Assert.Contains("parameter Missing, which is not declared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_if_a_step_reads_a_step_that_runs_later()
    {
        var definition = new PipelineDefinition();
        definition.AddStep(new FailStep("Early", PipelineExpression.Get("Steps.Late.ModelArtifacts.S3ModelArtifacts")));
        definition.AddStep(new TrainingStep("Late", MinimalTrainingArguments()));
        var error = Assert.Throws<InvalidOperationException>(() => definition.ToJson());
        Assert.Contains("Late does not run before it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_if_a_step_reads_an_output_the_step_does_not_have()
    {
        var definition = new PipelineDefinition();
        definition.AddStep(new TrainingStep("Train", MinimalTrainingArguments()));
        definition.AddStep(new FailStep("Stop", PipelineExpression.Get("Steps.Train.OutputParameters['x']")));
        var error = Assert.Throws<InvalidOperationException>(() => definition.ToJson());
        Assert.Contains("Train has no output 'OutputParameters['x']'", error.Message, StringComparison.Ordinal);

        var train = new TrainingStep("Other", MinimalTrainingArguments());
        Assert.Throws<ArgumentException>(() => train.Property("ProcessingOutputConfig.Outputs['a'].S3Output.S3Uri"));
    }

    [Fact]
    public void Fails_if_two_steps_share_a_name_even_inside_a_condition()
    {
        var definition = new PipelineDefinition();
        var threshold = definition.AddParameter(PipelineParameter.Float("T", 0.5));
        definition.AddStep(new FailStep("Stop", JsonValue.Create("x")!));
        definition.AddStep(new ConditionStep("Check", [new PipelineCondition(ConditionType.GreaterThan, threshold.Value, JsonValue.Create(0)!)], [new FailStep("Stop", JsonValue.Create("y")!)], []));
        var error = Assert.Throws<InvalidOperationException>(() => definition.ToJson());
        Assert.Contains("step name Stop is used twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fails_if_a_training_step_lacks_a_required_argument()
    {
        var arguments = MinimalTrainingArguments();
        arguments.Remove("StoppingCondition");
        var error = Assert.Throws<ArgumentException>(() => new TrainingStep("Train", arguments));
        Assert.Contains("StoppingCondition", error.Message, StringComparison.Ordinal);
    }

    private static JsonObject MinimalTrainingArguments() => new()
    {
        ["AlgorithmSpecification"] = new JsonObject { ["TrainingImage"] = "image", ["TrainingInputMode"] = "File" },
        ["RoleArn"] = "role",
        ["OutputDataConfig"] = new JsonObject { ["S3OutputPath"] = "s3://b/" },
        ["ResourceConfig"] = new JsonObject { ["InstanceCount"] = 1, ["InstanceType"] = "ml.m5.large", ["VolumeSizeInGB"] = 10 },
        ["StoppingCondition"] = new JsonObject { ["MaxRuntimeInSeconds"] = 60 },
    };

    private IEnumerable<JsonObject> AllSteps() => Steps.SelectMany(s => Flatten(s!.AsObject()));

    private static IEnumerable<JsonObject> Flatten(JsonObject step)
    {
        yield return step;
        foreach (var branch in new[] { "IfSteps", "ElseSteps" })
        {
            foreach (var nested in step["Arguments"]?[branch]?.AsArray() ?? [])
            {
                foreach (var inner in Flatten(nested!.AsObject()))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>What a step of each type exposes, derived from its own JSON (independent of the builder's bookkeeping).</summary>
    private static IEnumerable<string> OutputsOf(JsonObject step)
    {
        var name = step["Name"]!.GetValue<string>();
        switch (step["Type"]!.GetValue<string>())
        {
            case "Lambda":
                foreach (var output in step["OutputParameters"]!.AsArray())
                {
                    yield return $"Steps.{name}.OutputParameters['{output!["OutputName"]!.GetValue<string>()}']";
                }

                break;
            case "Training":
                yield return $"Steps.{name}.ModelArtifacts.S3ModelArtifacts";
                break;
            case "Processing":
                foreach (var output in step["Arguments"]!["ProcessingOutputConfig"]!["Outputs"]!.AsArray())
                {
                    yield return $"Steps.{name}.ProcessingOutputConfig.Outputs['{output!["OutputName"]!.GetValue<string>()}'].S3Output.S3Uri";
                }

                foreach (var file in step["PropertyFiles"]?.AsArray() ?? [])
                {
                    var outputName = file!["OutputName"]!.GetValue<string>();
                    Assert.Contains(outputName, step["Arguments"]!["ProcessingOutputConfig"]!["Outputs"]!.AsArray().Select(o => o!["OutputName"]!.GetValue<string>()));
                    yield return $"Steps.{name}.PropertyFiles.{file["PropertyFileName"]!.GetValue<string>()}";
                }

                break;
            case "RegisterModel":
                yield return $"Steps.{name}.ModelPackageArn";
                break;
        }
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject obj when obj.Count == 1 && obj["Get"] is JsonValue v => [v.GetValue<string>()],
        JsonObject obj => obj.SelectMany(kv => References(kv.Value)),
        JsonArray array => array.SelectMany(References),
        _ => [],
    };

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex StepNamePattern();
}
