using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.Testing.CloudFormation;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>
/// A state machine from a synthesized CloudFormation template, executed locally (aws-local-stepfunctions in a
/// shared node process). The definition is rebuilt as CloudFormation would: <c>DefinitionString</c> (a string or an
/// <c>Fn::Join</c>) with <c>DefinitionSubstitutions</c> resolved to deterministic fake values (<see cref="FakeAws"/>).
/// Task states are answered by a <see cref="Scenario"/> or, for Lambda tasks, by the real C# handler.
/// </summary>
public sealed partial class LocalStateMachine
{
    /// <summary>The token <c>$$.Task.Token</c> holds in every run (for <c>.waitForTaskToken</c> tasks).</summary>
    public const string TaskToken = "local-task-token";

    private readonly LocalStateMachineOptions _options;
    private readonly Dictionary<string, LambdaFunction> _lambdasByNameOrArn;
    private long _executionCount;

    private LocalStateMachine(
        string logicalId,
        string name,
        JsonObject definition,
        IReadOnlyList<LambdaFunction> lambdaFunctions,
        LocalStateMachineOptions options)
    {
        LogicalId = logicalId;
        Name = name;
        Definition = definition;
        _options = options;
        LambdaFunctions = lambdaFunctions.ToDictionary(f => f.Arn, StringComparer.Ordinal);
        _lambdasByNameOrArn = new Dictionary<string, LambdaFunction>(StringComparer.Ordinal);
        foreach (var function in lambdaFunctions)
        {
            _lambdasByNameOrArn[function.Arn] = function;
            _lambdasByNameOrArn[function.FunctionName] = function;
        }
    }

    /// <summary>The state machine's logical id in the template.</summary>
    public string LogicalId { get; }

    /// <summary>The state machine's name (StateMachineName, else the logical id).</summary>
    public string Name { get; }

    /// <summary>The resolved definition (a copy each time), for assertions on the synthesized ASL.</summary>
    public JsonObject Definition { get => (JsonObject)field.DeepClone(); }

    /// <summary>Every Lambda function in the template by ARN (as <c>Fn::GetAtt [.., Arn]</c> gives it).</summary>
    public IReadOnlyDictionary<string, LambdaFunction> LambdaFunctions { get; }

    /// <summary>
    /// Builds the state machine from a template.
    /// </summary>
    /// <param name="template">The template, e.g. <c>JsonNode.Parse(JsonSerializer.Serialize(Template.FromStack(stack).ToJSON()))</c>.</param>
    /// <param name="logicalId">The AWS::StepFunctions::StateMachine's logical id. Default: the template's only state machine.</param>
    /// <param name="options">Lambda probing folder, SSM and template parameter values. Default: <see cref="LocalStateMachineOptions"/> defaults.</param>
    /// <exception cref="TemplateResolutionException">The definition cannot be rebuilt (which one is named in the message).</exception>
    public static LocalStateMachine FromTemplate(
        CloudFormationTemplate template,
        string? logicalId = null,
        LocalStateMachineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        options ??= new LocalStateMachineOptions();
        logicalId ??= OnlyStateMachine(template);
        if (template.ResourceType(logicalId) != "AWS::StepFunctions::StateMachine")
        {
            throw new TemplateResolutionException(
                $"Resource '{logicalId}' is a {template.ResourceType(logicalId)}, not an AWS::StepFunctions::StateMachine.");
        }

        var resolver = new IntrinsicResolver(template, options.SsmParameters, options.TemplateParameters);
        var properties = template.Properties(logicalId);
        var definition = ResolveDefinition(logicalId, properties, resolver);
        var name = properties["StateMachineName"] is { } explicitName
            ? resolver.ResolveString(explicitName, $"{logicalId}.Properties.StateMachineName")
            : logicalId;
        var lambdas = template.LogicalIdsOfType("AWS::Lambda::Function")
            .Select(id => DescribeLambda(template, resolver, id))
            .ToList();
        var type = properties["StateMachineType"] is { } declaredType
            && resolver.ResolveString(declaredType, $"{logicalId}.Properties.StateMachineType") == "EXPRESS"
            ? WorkflowType.Express
            : WorkflowType.Standard;
        return new LocalStateMachine(logicalId, name, definition, lambdas, options) { WorkflowType = type };
    }

    /// <summary>Builds the state machine from template JSON (a JsonNode).</summary>
    public static LocalStateMachine FromTemplate(JsonNode template, string? logicalId = null, LocalStateMachineOptions? options = null) =>
        FromTemplate(new CloudFormationTemplate(template), logicalId, options);

    /// <summary>
    /// Builds the state machine from the result of <c>Amazon.CDK.Assertions.Template.ToJSON()</c>
    /// (serialized with System.Text.Json, then read as a template).
    /// </summary>
    public static LocalStateMachine FromTemplate(IDictionary<string, object> cdkTemplateJson, string? logicalId = null, LocalStateMachineOptions? options = null) =>
        FromTemplateJson(System.Text.Json.JsonSerializer.Serialize(cdkTemplateJson), logicalId, options);

    /// <summary>Builds the state machine from template JSON text.</summary>
    public static LocalStateMachine FromTemplateJson(string templateJson, string? logicalId = null, LocalStateMachineOptions? options = null) =>
        FromTemplate(CloudFormationTemplate.Parse(templateJson), logicalId, options);

    /// <summary>Builds the state machine from a template file, e.g. <c>cdk.out/Training.template.json</c>.</summary>
    public static LocalStateMachine FromTemplateFile(string path, string? logicalId = null, LocalStateMachineOptions? options = null) =>
        FromTemplate(CloudFormationTemplate.Load(path), logicalId, options);

    /// <summary>
    /// Executes the state machine once.
    /// </summary>
    /// <param name="input">The execution input. Default: <c>{}</c>.</param>
    /// <param name="scenario">How Task calls are answered. Default: an empty scenario (only Lambda tasks can run).</param>
    /// <param name="cancellationToken">Cancels waiting for the result.</param>
    /// <returns>Status, output or error, entered states and every Task call.</returns>
    /// <exception cref="StateMachineHarnessException">The run could not be carried out as described (see its message).</exception>
    public async Task<ExecutionResult> RunAsync(JsonNode? input = null, Scenario? scenario = null, CancellationToken cancellationToken = default)
    {
        scenario ??= new Scenario();
        var unsupported = UnsupportedFeatures.Find(Definition);
        if (unsupported.Count > 0)
        {
            throw new StateMachineHarnessException(
                $"State machine '{LogicalId}' uses features the local interpreter does not support:\n  " +
                string.Join("\n  ", unsupported));
        }

        var executionName = $"local-{Interlocked.Increment(ref _executionCount)}";
        return await ExecuteAsync(Definition, input, scenario, WorkflowType, Name, executionName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one execution of a definition (the state machine's, or a Distributed Map's item processor as a child
    /// execution) under the service quotas of its workflow type.
    /// </summary>
    internal async Task<ExecutionResult> ExecuteAsync(
        JsonObject definition,
        JsonNode? input,
        Scenario scenario,
        WorkflowType workflowType,
        string stateMachineName,
        string executionName,
        CancellationToken cancellationToken)
    {
        var invocations = new List<TaskInvocation>();
        var children = new List<ExecutionResult>();
        var distributedMaps = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var runnable = DistributedMap.Rewrite(definition, distributedMaps);
        var context = ContextObject(stateMachineName, executionName);
        var request = new JsonObject
        {
            ["definition"] = runnable,
            ["input"] = input?.DeepClone() ?? new JsonObject(),
            ["context"] = context.DeepClone(),
            ["realWaits"] = scenario.RealWaits,
            ["validate"] = _options.ValidateDefinition,
            ["express"] = workflowType == WorkflowType.Express,
            ["limits"] = _options.Quotas.ToRunnerLimits(),
        };

        Task<JsonObject> OnTask(TaskCall call, CancellationToken ct) =>
            call.Resource == DistributedMap.Resource && distributedMaps.TryGetValue(call.StateName, out var map)
                ? new DistributedMap(this, call.StateName, map, scenario, executionName).RunAsync(call, children, ct)
                : AnswerAsync(call, scenario, invocations, ct);

        var done = await StateMachineRunnerProcess.Shared
            .RunAsync(request, OnTask, scenario.Timeout, cancellationToken)
            .ConfigureAwait(false);

        var status = done["status"]?.GetValue<string>();
        var error = done["error"]?.GetValue<string>();
        var cause = done["cause"]?.GetValue<string>();
        var events = (done["events"] as JsonArray ?? []).Select(ToEvent).ToList();
        var quota = QuotaUsage.From(done["quota"]);
        List<TaskInvocation> calls;
        List<ExecutionResult> childResults;
        lock (invocations)
        {
            calls = [.. invocations];
        }

        lock (children)
        {
            childResults = [.. children];
        }

        ExecutionResult Result(ExecutionStatus executionStatus, JsonNode? output) =>
            new(executionStatus, output, error, cause, events, calls, quota, workflowType, childResults);

        return status switch
        {
            "SUCCEEDED" => Result(ExecutionStatus.Succeeded, done["output"]?.DeepClone()),
            "FAILED" => Result(ExecutionStatus.Failed, null),
            "TIMED_OUT" => Result(ExecutionStatus.TimedOut, null),
            "ABORTED" => Result(ExecutionStatus.Aborted, null),
            "INVALID" => throw new StateMachineHarnessException($"State machine '{LogicalId}' is not valid ASL: {cause}"),
            _ => throw new StateMachineHarnessException($"Run of '{LogicalId}' stopped: {cause}"),
        };
    }

    /// <summary>Standard or Express, from the template's <c>StateMachineType</c>.</summary>
    public WorkflowType WorkflowType { get; private init; }

    internal LocalStateMachineOptions Options => _options;

    internal async Task<JsonObject> AnswerAsync(TaskCall call, Scenario scenario, List<TaskInvocation> invocations, CancellationToken cancellationToken)
    {
        var queue = scenario.QueueFor(call);
        var lambda = LambdaTarget(call);
        var waitsForToken = call.Resource.EndsWith(".waitForTaskToken", StringComparison.Ordinal);

        if (queue is null && (lambda is null || waitsForToken))
        {
            var hint = waitsForToken
                ? "it waits for a task token: register what the token's receiver sends back"
                : "it is not a Lambda task of this template";
            return Abort($"No answer for task state '{call.StateName}' (resource '{call.Resource}'): {hint}. " +
                $"Add scenario.Respond(\"{call.Resource}\", ...) or scenario.Respond(\"{call.StateName}\", ...).");
        }

        var source = TaskAnswerSource.Lambda;
        try
        {
            JsonNode? output;
            if (queue is null)
            {
                output = await InvokeLambdaAsync(lambda!.Value, scenario, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (lambda is { } tokenLambda && waitsForToken)
                {
                    // The real function runs first (it receives the token); the scenario then plays its receiver.
                    await InvokeLambdaAsync(tokenLambda, scenario, cancellationToken).ConfigureAwait(false);
                }

                source = TaskAnswerSource.Scenario;
                var answer = queue.Next(scenario.WhenAnswersRunOut);
                if (answer is null)
                {
                    return Abort($"The {queue.Count} answer(s) for '{queue.Key}' ran out at a call of task state " +
                        $"'{call.StateName}' (Scenario.WhenAnswersRunOut is Fail).");
                }

                output = await answer.AnswerAsync(call, cancellationToken).ConfigureAwait(false);
            }

            Record(invocations, new TaskInvocation(call.StateName, call.Resource, call.Parameters, output?.DeepClone(), null, null, source));
            return new JsonObject { ["output"] = output };
        }
        catch (TaskFailure failure)
        {
            Record(invocations, new TaskInvocation(call.StateName, call.Resource, call.Parameters, null, failure.Error, failure.Cause, source));
            return new JsonObject { ["error"] = failure.Error, ["cause"] = failure.Cause };
        }
        catch (StateMachineHarnessException e)
        {
            return Abort(e.Message);
        }
    }

    private async Task<JsonNode?> InvokeLambdaAsync((LambdaFunction Function, JsonNode? Payload, bool Wrap) target, Scenario scenario, CancellationToken cancellationToken)
    {
        JsonNode? payload;
        try
        {
            payload = await LambdaHandlerInvoker.InvokeAsync(
                target.Function,
                target.Payload,
                _options.LambdaProbingDirectory ?? AppContext.BaseDirectory,
                scenario.LambdaEnvironment,
                cancellationToken).ConfigureAwait(false);
        }
        catch (LambdaHandlerException e)
        {
            throw new TaskFailure(e.ErrorType, e.ErrorPayload);
        }

        if (!target.Wrap)
        {
            return payload;
        }

        // What the lambda:invoke integration returns (the interesting part is Payload).
        return new JsonObject
        {
            ["ExecutedVersion"] = "$LATEST",
            ["Payload"] = payload,
            ["SdkHttpMetadata"] = new JsonObject { ["HttpStatusCode"] = 200 },
            ["SdkResponseMetadata"] = new JsonObject { ["RequestId"] = Guid.NewGuid().ToString() },
            ["StatusCode"] = 200,
        };
    }

    /// <summary>The Lambda function a Task calls, its payload and whether the result is wrapped; null for other tasks.</summary>
    private (LambdaFunction Function, JsonNode? Payload, bool Wrap)? LambdaTarget(TaskCall call)
    {
        if (call.Resource.StartsWith("arn:aws:states:::lambda:invoke", StringComparison.Ordinal))
        {
            var functionName = call.Parameters?["FunctionName"]?.GetValue<string>();
            return functionName is not null && FindLambda(functionName) is { } function
                ? (function, call.Parameters?["Payload"]?.DeepClone(), true)
                : null;
        }

        if (LambdaArn().IsMatch(call.Resource) && FindLambda(call.Resource) is { } direct)
        {
            return (direct, call.Parameters?.DeepClone(), false);
        }

        return null;
    }

    private LambdaFunction? FindLambda(string nameOrArn)
    {
        if (_lambdasByNameOrArn.TryGetValue(nameOrArn, out var function))
        {
            return function;
        }

        // Qualified ARN or name (":$LATEST", ":alias"): the function itself.
        var match = LambdaArn().Match(nameOrArn);
        var name = match.Success ? match.Groups["name"].Value : nameOrArn.Split(':')[0];
        return _lambdasByNameOrArn.GetValueOrDefault(name);
    }

    private static void Record(List<TaskInvocation> invocations, TaskInvocation invocation)
    {
        lock (invocations)
        {
            invocations.Add(invocation);
        }
    }

    private static JsonObject Abort(string reason) => new() { ["abort"] = reason };

    private JsonObject ContextObject(string stateMachineName, string executionName) => new()
    {
        ["Execution"] = new JsonObject
        {
            ["Id"] = FakeAws.Arn("states", $"execution:{stateMachineName}:{executionName}"),
            ["Name"] = executionName,
            ["RoleArn"] = $"arn:{FakeAws.Partition}:iam::{FakeAws.AccountId}:role/{Name}Role",
        },
        ["StateMachine"] = new JsonObject
        {
            ["Id"] = FakeAws.Arn("states", $"stateMachine:{stateMachineName}"),
            ["Name"] = stateMachineName,
        },
        ["Task"] = new JsonObject { ["Token"] = TaskToken },
    };

    private static ExecutionEvent ToEvent(JsonNode? e) => new(
        e?["type"]?.GetValue<string>() ?? "",
        e?["state"]?.GetValue<string>(),
        e?["stateType"]?.GetValue<string>(),
        e?["index"]?.GetValue<int>(),
        e?["error"]?.GetValue<string>(),
        e?["cause"]?.GetValue<string>());

    private static string OnlyStateMachine(CloudFormationTemplate template) =>
        template.LogicalIdsOfType("AWS::StepFunctions::StateMachine") switch
        {
            [var only] => only,
            [] => throw new TemplateResolutionException("The template has no AWS::StepFunctions::StateMachine."),
            var many => throw new TemplateResolutionException(
                $"The template has {many.Count} state machines ({string.Join(", ", many)}); pass the logical id of one."),
        };

    private static JsonObject ResolveDefinition(string logicalId, JsonObject properties, IntrinsicResolver resolver)
    {
        var path = $"{logicalId}.Properties";
        string text;
        if (properties["DefinitionString"] is { } definitionString)
        {
            text = resolver.ResolveString(definitionString, $"{path}.DefinitionString");
        }
        else if (properties["Definition"] is JsonObject definitionObject)
        {
            text = definitionObject.ToJsonString();
        }
        else
        {
            throw new TemplateResolutionException(
                $"{path}: neither DefinitionString nor Definition is set (DefinitionS3Location is not supported locally).");
        }

        if (properties["DefinitionSubstitutions"] is JsonObject substitutions)
        {
            foreach (var (key, value) in substitutions)
            {
                var resolved = resolver.ResolveString(value, $"{path}.DefinitionSubstitutions.{key}");
                text = text.Replace("${" + key + "}", resolved, StringComparison.Ordinal);
            }
        }

        var missing = Placeholder().Matches(text).Select(m => m.Value).Distinct().ToList();
        if (missing.Count > 0)
        {
            throw new TemplateResolutionException(
                $"{path}: DefinitionSubstitutions supply no value for {string.Join(", ", missing)}.");
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw new TemplateResolutionException($"{path}: the definition is not a JSON object.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new TemplateResolutionException($"{path}: after substitution the definition is not valid JSON: {e.Message}", e);
        }
    }

    private static LambdaFunction DescribeLambda(CloudFormationTemplate template, IntrinsicResolver resolver, string logicalId)
    {
        var properties = template.Properties(logicalId);
        var path = $"{logicalId}.Properties";
        var name = resolver.ResolveString(new JsonObject { ["Ref"] = logicalId }, path);
        var arn = resolver.ResolveString(new JsonObject { ["Fn::GetAtt"] = new JsonArray(logicalId, "Arn") }, path);
        var handler = properties["Handler"] is { } h ? resolver.ResolveString(h, $"{path}.Handler") : "";
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (properties["Environment"]?["Variables"] is JsonObject variables)
        {
            foreach (var (key, value) in variables)
            {
                environment[key] = resolver.ResolveString(value, $"{path}.Environment.Variables.{key}");
            }
        }

        return new LambdaFunction(logicalId, name, arn, handler, environment);
    }

    [GeneratedRegex(@"\$\{[A-Za-z0-9_.:-]+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:(?<name>[A-Za-z0-9_-]+)(:[A-Za-z0-9$_-]+)?$")]
    private static partial Regex LambdaArn();
}
