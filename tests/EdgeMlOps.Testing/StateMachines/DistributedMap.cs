using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Testing.CloudFormation;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>
/// A Map state with <c>ProcessorConfig.Mode: DISTRIBUTED</c>, run by the harness as the service runs it: the items
/// come from <c>ItemsPath</c> or an <c>ItemReader</c> (S3 <c>getObject</c> JSON/CSV or <c>listObjectsV2</c>, answered by
/// the scenario or read from the local S3 in the Lambda environment), pass through <c>ItemSelector</c> and
/// <c>ItemBatcher</c>, and each batch or item is a <b>separate child execution</b> (<c>ExecutionType</c> STANDARD or
/// EXPRESS) with its own history and its own quotas. The parent records only the Map Run events. Failed children count
/// against <c>ToleratedFailureCount/Percentage</c> (default 0): above it the Map fails with
/// <c>States.ExceedToleratedFailureThreshold</c>, which a Catch can handle. An item above 256 KiB fails the parent
/// with <c>States.DataLimitExceeded</c>, which none can.
/// </summary>
internal sealed class DistributedMap(LocalStateMachine machine, string stateName, JsonObject state, Scenario scenario, string parentExecutionName)
{
    /// <summary>The Task resource standing in for a Distributed Map in the definition sent to the runner.</summary>
    public const string Resource = "arn:aws:states:::harness:distributedMap";

    // Local parallelism of child executions (the service runs up to MaxConcurrency, default 1,000 at a time).
    private const int LocalParallelism = 8;

    /// <summary>
    /// The definition with every DISTRIBUTED Map (outside other Distributed Maps' processors) replaced by a Task the
    /// harness answers; the originals are collected by state name.
    /// </summary>
    public static JsonObject Rewrite(JsonObject definition, Dictionary<string, JsonObject> maps)
    {
        var copy = (JsonObject)definition.DeepClone();
        RewriteStates(copy, maps);
        return copy;
    }

    private static void RewriteStates(JsonObject machine, Dictionary<string, JsonObject> maps)
    {
        if (machine["States"] is not JsonObject states)
        {
            return;
        }

        foreach (var name in states.Select(p => p.Key).ToList())
        {
            if (states[name] is not JsonObject state)
            {
                continue;
            }

            // A Task without TimeoutSeconds has no timeout in AWS (the Lambda's own timeout applies); the interpreter
            // would give it 60 s of real time. A day keeps setTimeout in range; Scenario.Timeout bounds the run.
            if (state["Type"]?.GetValue<string>() == "Task" && !state.ContainsKey("TimeoutSeconds") && !state.ContainsKey("TimeoutSecondsPath"))
            {
                state["TimeoutSeconds"] = 86_400;
            }

            var processor = (state["ItemProcessor"] ?? state["Iterator"]) as JsonObject;
            if (state["Type"]?.GetValue<string>() == "Map" && IsDistributed(state))
            {
                maps[name] = (JsonObject)state.DeepClone();
                var task = new JsonObject
                {
                    ["Type"] = "Task",
                    ["Comment"] = "Distributed Map run by the harness",
                    ["Resource"] = Resource,
                    ["Parameters"] = new JsonObject { ["input.$"] = "$", ["context.$"] = "$$" },
                    // Real time of the whole Map Run (the interpreter's default task timeout is 60 s).
                    ["TimeoutSeconds"] = 86_400,
                };
                foreach (var field in new[] { "InputPath", "ResultSelector", "ResultPath", "OutputPath", "Retry", "Catch", "Next", "End" })
                {
                    // ContainsKey, not a null check: "ResultPath": null (discard the result) is a JSON null.
                    if (state.TryGetPropertyValue(field, out var value))
                    {
                        task[field] = value?.DeepClone();
                    }
                }

                states[name] = task;
                continue;
            }

            if (processor is not null)
            {
                RewriteStates(processor, maps);
            }

            foreach (var branch in state["Branches"] as JsonArray ?? [])
            {
                if (branch is JsonObject branchMachine)
                {
                    RewriteStates(branchMachine, maps);
                }
            }
        }
    }

    /// <summary>True for a Map whose processor runs in DISTRIBUTED mode.</summary>
    public static bool IsDistributed(JsonObject mapState) =>
        ((mapState["ItemProcessor"] ?? mapState["Iterator"])?["ProcessorConfig"]?["Mode"]?.GetValue<string>()) == "DISTRIBUTED";

    /// <summary>Runs the Map Run for one call of the stand-in Task; the answer message for the runner.</summary>
    public async Task<JsonObject> RunAsync(TaskCall call, List<ExecutionResult> children, CancellationToken cancellationToken)
    {
        var input = call.Parameters?["input"];
        var context = call.Parameters?["context"] as JsonObject ?? [];
        var where = $"Distributed Map state '{stateName}'";
        JsonArray items;
        try
        {
            items = await ReadItemsAsync(input, context, where, cancellationToken).ConfigureAwait(false);
        }
        catch (TaskFailure failure)
        {
            return new JsonObject { ["error"] = failure.Error, ["cause"] = failure.Cause };
        }

        var childInputs = SelectAndBatch(items, input, context, where);
        for (var i = 0; i < childInputs.Count; i++)
        {
            var bytes = Encoding.UTF8.GetByteCount(childInputs[i]?.ToJsonString() ?? "null");
            if (bytes > machine.Options.Quotas.PayloadBytes)
            {
                return new JsonObject
                {
                    ["quota"] = new JsonObject
                    {
                        ["error"] = "States.DataLimitExceeded",
                        ["cause"] = $"Item {i} of {where} is {bytes} bytes, above the maximum of {machine.Options.Quotas.PayloadBytes} bytes.",
                    },
                };
            }
        }

        var processor = (JsonObject)(state["ItemProcessor"] ?? state["Iterator"])!.DeepClone();
        var executionType = processor["ProcessorConfig"]?["ExecutionType"]?.GetValue<string>() == "EXPRESS"
            ? WorkflowType.Express
            : WorkflowType.Standard;
        processor.Remove("ProcessorConfig");

        var declared = Integer("MaxConcurrency", "MaxConcurrencyPath", input, context, where) ?? 0;
        var parallelism = declared is > 0 and < LocalParallelism ? declared : LocalParallelism;
        var toleratedCount = Integer("ToleratedFailureCount", "ToleratedFailureCountPath", input, context, where) ?? 0;
        var toleratedPercent = Number("ToleratedFailurePercentage", "ToleratedFailurePercentagePath", input, context, where) ?? 0;
        var tolerated = Math.Max(toleratedCount, (int)Math.Floor(childInputs.Count * toleratedPercent / 100.0));

        var outputs = new JsonNode?[childInputs.Count];
        var failures = 0;
        var firstFailure = "";
        using var gate = new SemaphoreSlim(parallelism);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var runs = new List<Task>();
        for (var i = 0; i < childInputs.Count; i++)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (Volatile.Read(ref failures) > tolerated)
            {
                gate.Release();
                break;
            }

            var index = i;
            runs.Add(Task.Run(async () =>
            {
                try
                {
                    var result = await machine.ExecuteAsync(
                        processor,
                        childInputs[index],
                        scenario,
                        executionType,
                        $"{machine.Name}/{stateName}",
                        $"{parentExecutionName}-{stateName}-{index}",
                        cancellationToken).ConfigureAwait(false);
                    lock (children)
                    {
                        children.Add(result);
                    }

                    if (result.Status == ExecutionStatus.Succeeded)
                    {
                        outputs[index] = result.Output;
                    }
                    else
                    {
                        outputs[index] = new JsonObject { ["Error"] = result.Error, ["Cause"] = result.Cause };
                        if (Interlocked.Increment(ref failures) == 1)
                        {
                            firstFailure = $"child execution {index} ended {result.Status}: {result.Error}: {result.Cause}";
                        }
                    }
                }
                finally
                {
                    gate.Release();
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(runs).ConfigureAwait(false);
        if (failures > tolerated)
        {
            return new JsonObject
            {
                ["error"] = "States.ExceedToleratedFailureThreshold",
                ["cause"] = $"The Map Run of '{stateName}' had {failures} failed child executions, more than the {tolerated} tolerated; first: {firstFailure}",
            };
        }

        return new JsonObject { ["output"] = new JsonArray([.. outputs.Select(o => o?.DeepClone())]) };
    }

    private async Task<JsonArray> ReadItemsAsync(JsonNode? input, JsonObject context, string where, CancellationToken cancellationToken)
    {
        JsonArray items;
        if (state["ItemReader"] is JsonObject reader)
        {
            var resource = reader["Resource"]?.GetValue<string>() ?? "";
            var parameters = ReferencePath.Apply(reader["Parameters"], input, context, $"{where}.ItemReader.Parameters");
            var config = reader["ReaderConfig"] as JsonObject ?? [];
            var call = new TaskCall(stateName, resource, parameters);
            // The reader is answered by the scenario (by resource) when it has an answer, else from the local S3.
            var queue = scenario.QueueFor(call with { StateName = "" });
            var read = queue?.Next(scenario.WhenAnswersRunOut) is { } answer
                ? await answer.AnswerAsync(call, cancellationToken).ConfigureAwait(false)
                : await ReadFromS3Async(resource, parameters, config, where, cancellationToken).ConfigureAwait(false);
            items = read as JsonArray
                ?? throw new StateMachineHarnessException($"{where}: the item reader ({resource}) gave {read?.ToJsonString() ?? "null"}, not an array.");
            var maxItems = Integer("MaxItems", "MaxItemsPath", input, context, where, config);
            if (maxItems is > 0 && items.Count > maxItems)
            {
                items = new JsonArray([.. items.Take(maxItems.Value).Select(i => i?.DeepClone())]);
            }
        }
        else
        {
            var selected = state["ItemsPath"]?.GetValue<string>() is { } itemsPath
                ? ReferencePath.Read(itemsPath, input, context, $"{where}.ItemsPath")
                : input?.DeepClone();
            items = selected as JsonArray
                ?? throw new TaskFailure("States.Runtime", $"{where}: ItemsPath must select an array.");
        }

        return items;
    }

    private List<JsonNode?> SelectAndBatch(JsonArray items, JsonNode? input, JsonObject context, string where)
    {
        var selector = state["ItemSelector"] ?? state["Parameters"];
        var selected = new List<JsonNode?>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (selector is null)
            {
                selected.Add(items[i]?.DeepClone());
                continue;
            }

            var itemContext = (JsonObject)context.DeepClone();
            itemContext["Map"] = new JsonObject { ["Item"] = new JsonObject { ["Index"] = i, ["Value"] = items[i]?.DeepClone() } };
            selected.Add(ReferencePath.Apply(selector, input, itemContext, $"{where}.ItemSelector"));
        }

        if (state["ItemBatcher"] is not JsonObject batcher)
        {
            return selected;
        }

        var maxItems = Integer("MaxItemsPerBatch", "MaxItemsPerBatchPath", input, context, where, batcher) ?? int.MaxValue;
        var maxBytes = Integer("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", input, context, where, batcher) ?? machine.Options.Quotas.PayloadBytes;
        var batchInput = ReferencePath.Apply(batcher["BatchInput"], input, context, $"{where}.ItemBatcher.BatchInput");
        var batches = new List<JsonNode?>();
        var current = new JsonArray();
        var currentBytes = 0;
        foreach (var item in selected)
        {
            var bytes = Encoding.UTF8.GetByteCount(item?.ToJsonString() ?? "null") + 1;
            if (current.Count > 0 && (current.Count >= maxItems || currentBytes + bytes > maxBytes))
            {
                batches.Add(Batch(current, batchInput));
                current = [];
                currentBytes = 0;
            }

            current.Add(item);
            currentBytes += bytes;
        }

        if (current.Count > 0)
        {
            batches.Add(Batch(current, batchInput));
        }

        return batches;
    }

    private static JsonObject Batch(JsonArray items, JsonNode? batchInput)
    {
        var batch = new JsonObject { ["Items"] = items };
        if (batchInput is not null)
        {
            batch["BatchInput"] = batchInput.DeepClone();
        }

        return batch;
    }

    private int? Integer(string field, string pathField, JsonNode? input, JsonNode? context, string where, JsonObject? owner = null) =>
        Number(field, pathField, input, context, where, owner) is { } n ? (int)n : null;

    private double? Number(string field, string pathField, JsonNode? input, JsonNode? context, string where, JsonObject? owner = null)
    {
        owner ??= state;
        if (owner[field] is { } literal)
        {
            return literal.GetValue<double>();
        }

        return owner[pathField]?.GetValue<string>() is { } path
            ? ReferencePath.Read(path, input, context, $"{where}.{pathField}")?.GetValue<double>()
            : null;
    }

    private async Task<JsonNode?> ReadFromS3Async(string resource, JsonNode? parameters, JsonObject config, string where, CancellationToken cancellationToken)
    {
        var environment = scenario.LambdaEnvironment;
        if (environment.GetValueOrDefault("AWS_ENDPOINT_URL_S3") is not { } endpoint)
        {
            throw new StateMachineHarnessException(
                $"{where}: no answer for its item reader ({resource}) and no local S3 to read from. Add scenario.Respond(\"{resource}\", <items array>) or scenario.WithLambdaEnvironment(s3.ClientEnvironment).");
        }

        using var client = new AmazonS3Client(
            new BasicAWSCredentials(environment.GetValueOrDefault("AWS_ACCESS_KEY_ID") ?? "S3RVER", environment.GetValueOrDefault("AWS_SECRET_ACCESS_KEY") ?? "S3RVER"),
            new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = FakeAws.Region });
        var bucket = parameters?["Bucket"]?.GetValue<string>() ?? throw new StateMachineHarnessException($"{where}: the item reader has no Bucket.");
        try
        {
            switch (resource)
            {
                case "arn:aws:states:::s3:getObject":
                {
                    var key = parameters?["Key"]?.GetValue<string>() ?? throw new StateMachineHarnessException($"{where}: the item reader has no Key.");
                    using var response = await client.GetObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false);
                    using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
                    var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                    return config["InputType"]?.GetValue<string>() switch
                    {
                        "JSON" => JsonNode.Parse(text),
                        "CSV" => CsvRows(text, config),
                        var other => throw new StateMachineHarnessException($"{where}: ReaderConfig.InputType '{other}' is not supported by the harness (JSON, CSV)."),
                    };
                }

                case "arn:aws:states:::s3:listObjectsV2":
                {
                    var objects = new JsonArray();
                    var request = new ListObjectsV2Request { BucketName = bucket, Prefix = parameters?["Prefix"]?.GetValue<string>() };
                    ListObjectsV2Response page;
                    do
                    {
                        page = await client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
                        foreach (var o in page.S3Objects ?? [])
                        {
                            objects.Add(new JsonObject
                            {
                                ["Etag"] = o.ETag,
                                ["Key"] = o.Key,
                                ["LastModified"] = o.LastModified?.ToUniversalTime().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                                ["Size"] = o.Size,
                                ["StorageClass"] = o.StorageClass?.Value ?? "STANDARD",
                            });
                        }

                        request.ContinuationToken = page.NextContinuationToken;
                    }
                    while (page.IsTruncated == true);
                    return objects;
                }

                default:
                    throw new StateMachineHarnessException($"{where}: item reader resource '{resource}' is not supported by the harness.");
            }
        }
        catch (AmazonS3Exception e)
        {
            // The Map Run fails as the service reports a reader error: States.ItemReaderFailed, catchable.
            throw new TaskFailure("States.ItemReaderFailed", $"{where}: reading s3://{bucket}: {e.ErrorCode}: {e.Message}");
        }
    }

    private static JsonArray CsvRows(string text, JsonObject config)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        string[] header;
        if (config["CSVHeaderLocation"]?.GetValue<string>() == "GIVEN")
        {
            header = [.. (config["CSVHeaders"] as JsonArray ?? []).Select(h => h?.GetValue<string>() ?? "")];
        }
        else
        {
            header = lines.Count > 0 ? lines[0].Split(',') : [];
            lines = [.. lines.Skip(1)];
        }

        var rows = new JsonArray();
        foreach (var line in lines)
        {
            var cells = line.Split(',');
            var row = new JsonObject();
            for (var c = 0; c < header.Length; c++)
            {
                row[header[c]] = c < cells.Length ? cells[c] : "";
            }

            rows.Add(row);
        }

        return rows;
    }
}
