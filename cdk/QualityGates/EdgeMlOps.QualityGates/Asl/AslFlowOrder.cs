using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeMlOps.QualityGates.Model;

namespace EdgeMlOps.QualityGates.Asl;

/// <summary>
/// Reads an ASL file in the order an execution runs it: the states of every state machine (the top level, each Map's
/// ItemProcessor or Iterator, each Parallel branch) in the order an execution first visits them, depth-first from
/// StartAt along Next, Choices[].Next, Default and Catch[].Next; states nothing reaches come last, in file order.
/// <see cref="Reorder"/> rewrites a file that way (content and formatting of each state unchanged);
/// <see cref="Check"/> reports a file that is not, and state names that are not PascalCase.
/// </summary>
public static partial class AslFlowOrder
{
    private static readonly JsonSerializerOptions s_write = new()
    {
        WriteIndented = true,
        // The files hold JSONPath and intrinsic functions ('$', quotes, '<'): keep them as written.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The state names of one state machine (an object with StartAt and States) in first-visit order.</summary>
    public static IReadOnlyList<string> VisitOrder(JsonObject machine)
    {
        var states = machine["States"] as JsonObject ?? [];
        var order = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        if (machine["StartAt"]?.GetValue<string>() is { } start)
        {
            pending.Push(start);
        }

        // Iterative depth-first search (a long chain must not deepen the stack); successors are pushed in reverse
        // so the first one is visited first.
        while (pending.TryPop(out var name))
        {
            if (!states.ContainsKey(name) || !seen.Add(name))
            {
                continue;
            }

            order.Add(name);
            foreach (var next in Successors((JsonObject)states[name]!).Reverse())
            {
                pending.Push(next);
            }
        }

        order.AddRange(states.Select(s => s.Key).Where(n => !seen.Contains(n)));
        return order;
    }

    /// <summary><paramref name="json"/> with the states of every state machine in it in visit order, indented by two spaces.</summary>
    public static string Reorder(string json)
    {
        var root = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("an ASL document must be a JSON object");
        ReorderMachine(root);
        return root.ToJsonString(s_write).ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>
    /// Findings for <paramref name="file"/>: each state machine in it whose states are not in visit order
    /// (<c>not-in-flow-order</c>), states nothing reaches (<c>unreachable-state</c>), and state names that are not
    /// PascalCase (<c>state-name-style</c>, one finding per file with the count).
    /// </summary>
    public static IReadOnlyList<Finding> Check(string file, string json)
    {
        var findings = new List<Finding>();
        var names = new List<string>();
        foreach (var (path, machine) in Machines(JsonNode.Parse(json) as JsonObject ?? [], "top level"))
        {
            var actual = (machine["States"] as JsonObject ?? []).Select(s => s.Key).ToList();
            names.AddRange(actual);
            var expected = VisitOrder(machine);
            var first = Enumerable.Range(0, actual.Count).FirstOrDefault(i => actual[i] != expected[i], -1);
            if (first >= 0)
            {
                findings.Add(new Finding(file, path, "not-in-flow-order",
                    $"states are not in the order an execution first visits them: position {first + 1} holds '{actual[first]}', expected '{expected[first]}' ({Moved(actual, expected)} of {actual.Count} states out of place); fix with: bash scripts/reorder-asl.sh {file}"));
            }

            var reachable = ReachableCount(machine);
            foreach (var unreachable in expected.Skip(reachable))
            {
                findings.Add(new Finding(file, unreachable, "unreachable-state", $"no path from StartAt ({path}) reaches '{unreachable}'"));
            }
        }

        var notPascal = names.Where(n => !PascalCase().IsMatch(n)).ToList();
        if (notPascal.Count > 0)
        {
            findings.Add(new Finding(file, notPascal[0], "state-name-style",
                $"{notPascal.Count} of {names.Count} state names are not PascalCase (e.g. '{string.Join("', '", notPascal.Take(3))}'); the other ASL files name states like 'FindUnlabeledImages'"));
        }

        return findings;
    }

    /// <summary>How many states of <paramref name="actual"/> sit at another position than in <paramref name="expected"/>.</summary>
    public static int Moved(IReadOnlyList<string> actual, IReadOnlyList<string> expected) =>
        Enumerable.Range(0, actual.Count).Count(i => actual[i] != expected[i]);

    private static void ReorderMachine(JsonObject machine)
    {
        if (machine["States"] is not JsonObject states)
        {
            return;
        }

        var order = VisitOrder(machine);
        var detached = order.Select(name => (name, node: states[name])).ToList();
        states.Clear();
        foreach (var (name, node) in detached)
        {
            states[name] = node;
            if (node is JsonObject state)
            {
                foreach (var nested in NestedMachines(state))
                {
                    ReorderMachine(nested);
                }
            }
        }
    }

    private static IEnumerable<(string Path, JsonObject Machine)> Machines(JsonObject machine, string path)
    {
        yield return (path, machine);
        foreach (var (name, node) in machine["States"] as JsonObject ?? [])
        {
            if (node is not JsonObject state)
            {
                continue;
            }

            var index = 0;
            foreach (var nested in NestedMachines(state))
            {
                foreach (var inner in Machines(nested, $"{name}[{index++}]"))
                {
                    yield return inner;
                }
            }
        }
    }

    // The state machines inside a state: a Map's ItemProcessor (or the older Iterator), a Parallel's branches.
    private static IEnumerable<JsonObject> NestedMachines(JsonObject state)
    {
        foreach (var key in new[] { "ItemProcessor", "Iterator" })
        {
            if (state[key] is JsonObject processor)
            {
                yield return processor;
            }
        }

        foreach (var branch in (state["Branches"] as JsonArray ?? []).OfType<JsonObject>())
        {
            yield return branch;
        }
    }

    private static IEnumerable<string> Successors(JsonObject state)
    {
        if (state["Next"]?.GetValue<string>() is { } next)
        {
            yield return next;
        }

        foreach (var choice in (state["Choices"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (choice["Next"]?.GetValue<string>() is { } target)
            {
                yield return target;
            }
        }

        if (state["Default"]?.GetValue<string>() is { } fallback)
        {
            yield return fallback;
        }

        foreach (var handler in (state["Catch"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (handler["Next"]?.GetValue<string>() is { } target)
            {
                yield return target;
            }
        }
    }

    private static int ReachableCount(JsonObject machine)
    {
        var states = machine["States"] as JsonObject ?? [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        if (machine["StartAt"]?.GetValue<string>() is { } start)
        {
            pending.Push(start);
        }

        while (pending.TryPop(out var name))
        {
            if (states[name] is JsonObject state && seen.Add(name))
            {
                foreach (var next in Successors(state))
                {
                    pending.Push(next);
                }
            }
        }

        return seen.Count;
    }

    [GeneratedRegex("^[A-Z][A-Za-z0-9]*$")]
    private static partial Regex PascalCase();
}
