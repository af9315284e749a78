using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>
/// ASL features aws-local-stepfunctions 3.0.0 accepts but silently ignores or gets wrong. A run refuses a
/// definition using them, because a scenario that passes locally would then prove nothing.
/// </summary>
internal static class UnsupportedFeatures
{
    private static readonly (string Field, string Why)[] s_stateFields =
    [
        ("ItemReader", "item readers need a DISTRIBUTED Map (ProcessorConfig.Mode), which the harness runs itself"),
        ("ResultWriter", "Map result writers are not supported by the harness"),
        ("ItemBatcher", "item batching needs a DISTRIBUTED Map"),
        ("ToleratedFailurePercentage", "failure tolerance needs a DISTRIBUTED Map"),
        ("ToleratedFailurePercentagePath", "failure tolerance needs a DISTRIBUTED Map"),
        ("ToleratedFailureCount", "failure tolerance needs a DISTRIBUTED Map"),
        ("ToleratedFailureCountPath", "failure tolerance needs a DISTRIBUTED Map"),
        ("Assign", "variables are not supported"),
        ("Output", "JSONata is not supported"),
        ("Arguments", "JSONata is not supported"),
        ("QueryLanguage", "JSONata is not supported"),
    ];

    /// <summary>One line per use of an unsupported feature; empty when the definition is fine.</summary>
    public static IReadOnlyList<string> Find(JsonObject definition)
    {
        var problems = new List<string>();
        if (definition["QueryLanguage"]?.GetValue<string>() is { } language && language != "JSONPath")
        {
            problems.Add($"QueryLanguage '{language}': JSONata is not supported");
        }

        Visit(definition, problems);
        return problems;
    }

    private static void Visit(JsonObject machine, List<string> problems)
    {
        foreach (var (name, node) in machine["States"] as JsonObject ?? [])
        {
            if (node is not JsonObject state)
            {
                continue;
            }

            var distributed = DistributedMap.IsDistributed(state);
            foreach (var (field, why) in s_stateFields)
            {
                if (distributed && field is "ItemReader" or "ItemBatcher" or "ToleratedFailurePercentage" or "ToleratedFailurePercentagePath"
                    or "ToleratedFailureCount" or "ToleratedFailureCountPath")
                {
                    continue; // DistributedMap runs these
                }

                if (state.ContainsKey(field) && !(field == "QueryLanguage" && state[field]?.GetValue<string>() == "JSONPath"))
                {
                    problems.Add($"State '{name}': {field}: {why}");
                }
            }

            if ((state["ItemProcessor"] ?? state["Iterator"]) is JsonObject processor)
            {
                Visit(processor, problems);
            }

            foreach (var branch in state["Branches"] as JsonArray ?? [])
            {
                if (branch is JsonObject branchMachine)
                {
                    Visit(branchMachine, problems);
                }
            }
        }
    }
}
