using System.Text.Json.Nodes;

namespace EdgeMlOps.QualityGates.Asl;

/// <summary>
/// A Task state found anywhere in a definition. <paramref name="Path"/> names it through its parents.
/// <paramref name="Request"/> is its <c>Parameters</c> (JSONPath) or <c>Arguments</c> (JSONata), or null.
/// </summary>
public sealed record AslTask(string Path, string Resource, JsonNode? Request)
{
    /// <summary>The request as an object of members; null when absent or when it is one JSONata expression.</summary>
    public JsonObject? Parameters => Request as JsonObject;

    /// <summary>A JSONata <c>Arguments</c> given as a single <c>{% ... %}</c> string: its members are only known at run time.</summary>
    public bool RequestIsExpression => Request is JsonValue;

    public TaskIntegration Integration => TaskIntegration.Parse(Resource);
}

/// <summary>
/// Finds every Task state: top level, inside Parallel branches and inside Map item processors. A DISTRIBUTED Map
/// also calls AWS itself, so it yields two tasks of its own: its <c>ItemReader</c> (e.g. <c>s3:getObject</c> with
/// its Parameters) as <c>&lt;Map&gt;/ItemReader</c>, and its Map Run, which starts child executions of the state
/// machine (<c>states:startExecution</c>), as <c>&lt;Map&gt;/MapRun</c>.
/// </summary>
public static class AslTasks
{
    /// <summary>What a Distributed Map's Map Run calls: StartExecution of the state machine it belongs to.</summary>
    public const string MapRunResource = "arn:aws:states:::states:startExecution";

    public static IReadOnlyList<AslTask> In(JsonObject definition)
    {
        var tasks = new List<AslTask>();
        Collect(definition, "", tasks);
        return tasks;
    }

    private static void Collect(JsonObject machine, string prefix, List<AslTask> tasks)
    {
        foreach (var (name, node) in machine["States"] as JsonObject ?? [])
        {
            if (node is not JsonObject state)
            {
                continue;
            }

            var path = prefix + name;
            switch (state["Type"]?.GetValue<string>())
            {
                case "Task" when state["Resource"] is JsonValue r && r.TryGetValue<string>(out var resource):
                    // JSONata states carry their request in Arguments, JSONPath states in Parameters.
                    tasks.Add(new AslTask(path, resource, state["Parameters"] ?? state["Arguments"]));
                    break;
                case "Parallel":
                    var branches = state["Branches"] as JsonArray ?? [];
                    for (var i = 0; i < branches.Count; i++)
                    {
                        if (branches[i] is JsonObject branch)
                        {
                            Collect(branch, $"{path}/Branches[{i}]/", tasks);
                        }
                    }

                    break;
                case "Map" when (state["ItemProcessor"] ?? state["Iterator"]) is JsonObject processor:
                    if (processor["ProcessorConfig"]?["Mode"]?.GetValue<string>() == "DISTRIBUTED")
                    {
                        if (state["ItemReader"] is JsonObject reader && reader["Resource"] is JsonValue readerResource
                            && readerResource.TryGetValue<string>(out var readerArn))
                        {
                            tasks.Add(new AslTask($"{path}/ItemReader", readerArn, reader["Parameters"] ?? reader["Arguments"]));
                        }

                        tasks.Add(new AslTask($"{path}/MapRun", MapRunResource, new JsonObject { ["StateMachineArn"] = "(this state machine)" }));
                    }

                    Collect(processor, $"{path}/ItemProcessor/", tasks);
                    break;
            }
        }
    }
}
