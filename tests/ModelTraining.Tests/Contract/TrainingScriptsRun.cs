using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeMlOps.Cdk.ModelTraining;
using EdgeMlOps.Cdk.ModelTraining.Pipelines;
using EdgeMlOps.Lambdas.PrepareYoloDataset;
using EdgeMlOps.ModelTraining.Tests.Dataset;
using EdgeMlOps.Testing;
using EdgeMlOps.Testing.SageMaker;

namespace EdgeMlOps.ModelTraining.Tests.Contract;

/// <summary>
/// One execution of the training pipeline's jobs on this machine, from the written definition: the PrepareDataset
/// step's arguments plan the dataset with the real <see cref="DatasetPlanner"/> (tests/data images and labels, copied
/// locally instead of in S3); the Train step's hyperparameters run train.py as script mode does, from the scripts
/// archive the stack ships; the Evaluate step's own entrypoint and arguments run evaluate.py. Every
/// <c>/opt/ml/…</c> path of the jobs is a folder under <see cref="Root"/>. ultralytics is the stand-in of
/// cdk/ModelTraining/scripts/tests/stand_in (the tests' PYTHONPATH only; it is not in the archive).
/// </summary>
public sealed class TrainingScriptsRun : IDisposable
{
    public const string ExecutionId = "c0ntr4ctrun1";
    public const string TrainingJobOutput = "s3://artifacts-bucket/models/pipelines-c0ntr4ctrun1-Train-Ab12Cd34Ef/output/model.tar.gz";

    public TrainingScriptsRun()
    {
        Root = Path.Combine(Path.GetTempPath(), "edgemlops-training-run-" + Guid.NewGuid().ToString("N"));
        Definition = TrainingPipelineDefinition.Create(TestSettings.PipelineInputs(classNames: ["scratch"])).ToJsonString();
        Python = FindPython();
        var plain = new PipelineExecution(Definition, new PipelineRunValues { ExecutionId = ExecutionId });

        var prepare = plain.Resolve(Step("PrepareDataset")["Arguments"]).AsObject();
        var (plan, request) = PlanDataset(prepare);
        Prepared = PrepareResponse.From(plan, request.OutputUri);
        WriteDataset(plan, request, Local("/opt/ml/input/data/dataset"));
        WriteDataset(plan, request, Local("/opt/ml/processing/input/dataset"));

        var archive = SourceDirArchive.Pack(RepositoryRoot.Combine(SourceDirArchive.ScriptsDirectory));
        var sourceDirFile = TrainingPipelineDefinition.SourceDirFileName(TestSettings.PipelineInputs().SourceDirUri);
        var prepared = Execution(null, null);
        RunTraining(prepared.Resolve(Step("Train")["Arguments"]).AsObject(), archive);
        PackModel(Local("/opt/ml/model"), Local("/opt/ml/processing/input/model"));
        Directory.CreateDirectory(Local("/opt/ml/processing/input/code"));
        File.WriteAllBytes(Path.Combine(Local("/opt/ml/processing/input/code"), sourceDirFile), archive);
        RunEvaluation(prepared.Resolve(Step("Evaluate")["Arguments"]).AsObject());
        EvaluationReport = ReadPropertyFile(TrainingPipelineDefinition.EvaluationReportName);
    }

    /// <summary>The folder standing for the jobs' file systems.</summary>
    public string Root { get; }

    /// <summary>The pipeline definition as SageMaker receives it.</summary>
    public string Definition { get; }

    public string Python { get; }

    /// <summary>The PrepareDataset step's output parameters for this dataset.</summary>
    public PrepareResponse Prepared { get; }

    /// <summary>The evaluation report property file, as the Evaluate step wrote it.</summary>
    public JsonNode EvaluationReport { get; }

    /// <summary>Where a job path such as <c>/opt/ml/processing/output/onnx</c> is on this machine.</summary>
    public string Local(string jobPath) => Path.Combine(Root, jobPath.TrimStart('/'));

    /// <summary>The local folder of an Evaluate processing output (its LocalPath in the definition).</summary>
    public string OutputFolder(string outputName) => Local(Outputs().Single(o => o["OutputName"]!.GetValue<string>() == outputName)["S3Output"]!["LocalPath"]!.GetValue<string>());

    /// <summary>The execution, with the Train and PrepareDataset results of this run and the report as property file.</summary>
    public PipelineExecution Execution(IReadOnlyDictionary<string, JsonNode>? parameters = null) => Execution(parameters, EvaluationReport);

    private PipelineExecution Execution(IReadOnlyDictionary<string, JsonNode>? parameters, JsonNode? report) => new(Definition, new PipelineRunValues
    {
        ExecutionId = ExecutionId,
        Parameters = parameters ?? new Dictionary<string, JsonNode>(),
        StepProperties = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
        {
            ["Steps.Train.ModelArtifacts.S3ModelArtifacts"] = TrainingJobOutput,
            ["Steps.PrepareDataset.OutputParameters['DatasetUri']"] = Prepared.DatasetUri,
            ["Steps.PrepareDataset.OutputParameters['SnapshotId']"] = Prepared.SnapshotId,
            ["Steps.PrepareDataset.OutputParameters['LabelingJobs']"] = Prepared.LabelingJobs,
            ["Steps.PrepareDataset.OutputParameters['LabelCount']"] = Prepared.LabelCount,
            ["Steps.PrepareDataset.OutputParameters['ImageCount']"] = Prepared.ImageCount,
        },
        PropertyFiles = report is null ? new Dictionary<string, JsonNode>() : new Dictionary<string, JsonNode>(StringComparer.Ordinal)
        {
            [$"Steps.{TrainingPipelineDefinition.EvaluateStepName}.PropertyFiles.{TrainingPipelineDefinition.EvaluationReportName}"] = report.DeepClone(),
        },
    });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private JsonObject Step(string name) =>
        JsonNode.Parse(Definition)!["Steps"]!.AsArray().Select(s => s!.AsObject())
            .SelectMany(s => new[] { s }.Concat((s["Arguments"]?["IfSteps"] as JsonArray ?? []).Concat(s["Arguments"]?["ElseSteps"] as JsonArray ?? []).Select(n => n!.AsObject())))
            .Single(s => s["Name"]!.GetValue<string>() == name);

    private IEnumerable<JsonObject> Outputs() =>
        Step(TrainingPipelineDefinition.EvaluateStepName)["Arguments"]!["ProcessingOutputConfig"]!["Outputs"]!.AsArray().Select(o => o!.AsObject());

    private static (DatasetPlan Plan, PrepareRequest Request) PlanDataset(JsonObject arguments)
    {
        var request = new PrepareRequest
        {
            LabelsCsvUri = arguments["LabelsCsvUri"]!.GetValue<string>(),
            OutputUri = arguments["OutputUri"]!.GetValue<string>(),
            ClassNames = arguments["ClassNames"]!.AsArray().Select(n => n!.GetValue<string>()).ToList(),
            SplitSeed = arguments["SplitSeed"]!.GetValue<int>(),
            ValidationPercent = arguments["ValidationPercent"]!.GetValue<int>(),
            TestPercent = arguments["TestPercent"]!.GetValue<int>(),
        };
        var plan = DatasetPlanner.Plan(LabelsCsv.Rows(), uri => File.Exists(ImageFile(uri)), new DatasetOptions
        {
            ClassNames = request.ClassNames,
            Splitter = new DatasetSplitter(request.SplitSeed, request.ValidationPercent, request.TestPercent),
        });
        return (plan, request);
    }

    /// <summary>The labelled images live in tests/data/dataset/images under the same folders as in the bucket.</summary>
    private static string ImageFile(string sourceUri) =>
        RepositoryRoot.Combine("tests", "data", "dataset", "images", sourceUri[(sourceUri.IndexOf("/images/", StringComparison.Ordinal) + "/images/".Length)..]);

    // What DatasetWriter does in S3, with the same plan, names and texts.
    private static void WriteDataset(DatasetPlan plan, PrepareRequest request, string folder)
    {
        foreach (var image in plan.Images)
        {
            Directory.CreateDirectory(Path.Combine(folder, "images", image.SplitFolder));
            Directory.CreateDirectory(Path.Combine(folder, "labels", image.SplitFolder));
            File.Copy(ImageFile(image.SourceUri), Path.Combine(folder, "images", image.SplitFolder, image.FileName));
            File.WriteAllText(Path.Combine(folder, "labels", image.SplitFolder, image.LabelFileName), image.LabelText);
        }

        File.WriteAllText(Path.Combine(folder, "dataset.json"), DatasetManifest.ToJson(plan, request));
    }

    // Script mode: the sourcedir archive unpacked, the program run with every other hyperparameter as --name value.
    private void RunTraining(JsonObject arguments, byte[] archive)
    {
        var code = Local("/opt/ml/code");
        Directory.CreateDirectory(code);
        TarFile.ExtractToDirectory(new GZipStream(new MemoryStream(archive), CompressionMode.Decompress), code, overwriteFiles: true);
        var hyperparameters = arguments["HyperParameters"]!.AsObject();
        var program = JsonSerializer.Deserialize<string>(hyperparameters["sagemaker_program"]!.GetValue<string>())!;
        var args = new List<string> { program };
        foreach (var (name, value) in hyperparameters.Where(h => !h.Key.StartsWith("sagemaker_", StringComparison.Ordinal)))
        {
            var text = value!.GetValue<string>();
            args.Add($"--{name}");
            args.Add(text.StartsWith('"') ? JsonSerializer.Deserialize<string>(text)! : text);
        }

        var weights = Local("/opt/ml/input/data/weights");
        Directory.CreateDirectory(weights);
        File.WriteAllBytes(Path.Combine(weights, args[args.IndexOf("--weights-file") + 1]), "pretrained checkpoint stand-in"u8.ToArray());
        Directory.CreateDirectory(Local("/opt/ml/model"));
        Run(Python, args, code, new Dictionary<string, string>
        {
            ["SM_CHANNEL_DATASET"] = Local("/opt/ml/input/data/dataset"),
            ["SM_CHANNEL_WEIGHTS"] = weights,
            ["SM_MODEL_DIR"] = Local("/opt/ml/model"),
            ["SM_OUTPUT_DATA_DIR"] = Local("/opt/ml/output/data"),
        });
    }

    // The processing job's container entrypoint and arguments as written, with /opt/ml paths moved under Root.
    private void RunEvaluation(JsonObject arguments)
    {
        var app = arguments["AppSpecification"]!;
        var command = app["ContainerEntrypoint"]!.AsArray().Concat(app["ContainerArguments"]!.AsArray())
            .Select(a => a!.GetValue<string>().Replace("/opt/ml/", Root + "/opt/ml/", StringComparison.Ordinal)).ToList();
        // "python3" in the entrypoint is the interpreter that has the stand-in's packages.
        var bin = Path.Combine(Root, "bin");
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Combine(bin, "python3"), Python);
        Run(command[0], command.Skip(1).ToList(), Root, new Dictionary<string, string>
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
        });
    }

    private JsonNode ReadPropertyFile(string name)
    {
        var file = Step(TrainingPipelineDefinition.EvaluateStepName)["PropertyFiles"]!.AsArray().Single(f => f!["PropertyFileName"]!.GetValue<string>() == name)!;
        return JsonNode.Parse(File.ReadAllText(Path.Combine(OutputFolder(file["OutputName"]!.GetValue<string>()), file["FilePath"]!.GetValue<string>())))!;
    }

    // SageMaker uploads SM_MODEL_DIR as model.tar.gz; the processing job receives that archive.
    private static void PackModel(string modelDir, string target)
    {
        Directory.CreateDirectory(target);
        using var file = File.Create(Path.Combine(target, "model.tar.gz"));
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        TarFile.CreateFromDirectory(modelDir, gzip, includeBaseDirectory: false);
    }

    private static void Run(string program, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["PYTHONPATH"] = RepositoryRoot.Combine(SourceDirArchive.ScriptsDirectory, "tests", "stand_in");
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        }
    }

    /// <summary>The python3 that can import what the stand-in needs (scripts/setup.sh installs Debian's packages).</summary>
    private static string FindPython()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("PYTHON"), "/usr/bin/python3", "python3" }.Where(c => !string.IsNullOrEmpty(c));
        foreach (var candidate in candidates)
        {
            try
            {
                var start = new ProcessStartInfo(candidate!, ["-c", "import numpy, onnx, PIL, yaml, sys; print(sys.executable)"]) { RedirectStandardOutput = true, RedirectStandardError = true };
                using var process = Process.Start(start)!;
                var output = process.StandardOutput.ReadToEnd().Trim();
                process.WaitForExit();
                if (process.ExitCode == 0)
                {
                    return output;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed; try the next one.
            }
        }

        throw new InvalidOperationException("No python3 can import numpy, onnx, PIL and yaml: run scripts/setup.sh (it installs python3-onnx and python3-pil).");
    }
}
