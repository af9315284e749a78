using System.Text.Json.Nodes;
using EdgeMlOps.QualityGates.Asl;

namespace EdgeMlOps.QualityGates.Cli;

/// <summary>
/// <c>reorder [--check] FILE...</c>: rewrites each ASL file with its states in flow order (<see cref="AslFlowOrder"/>);
/// with <c>--check</c> it writes nothing and exits 1 when a file would change.
/// </summary>
public static class AslReorderCommand
{
    public const string Usage = "Usage: edge-quality-gates reorder [--check] FILE.asl.json...";

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var check = args.Contains("--check");
        var files = args.Where(a => a != "--check").ToList();
        if (files.Count == 0)
        {
            error.WriteLine(Usage);
            return 2;
        }

        var changed = 0;
        foreach (var file in files)
        {
            string text;
            string reordered;
            try
            {
                text = File.ReadAllText(file);
                reordered = AslFlowOrder.Reorder(text);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException)
            {
                error.WriteLine($"{file}: {e.Message}");
                return 2;
            }

            if (reordered == text)
            {
                output.WriteLine($"{file}: already in flow order");
                continue;
            }

            changed++;
            var root = (JsonObject)JsonNode.Parse(text)!;
            var before = (root["States"] as JsonObject ?? []).Select(s => s.Key).ToList();
            var moved = AslFlowOrder.Moved(before, AslFlowOrder.VisitOrder(root));
            if (check)
            {
                output.WriteLine($"{file}: not in flow order ({moved} of {before.Count} top-level states out of place)");
            }
            else
            {
                File.WriteAllText(file, reordered);
                output.WriteLine($"{file}: reordered ({moved} of {before.Count} top-level states moved; nested state machines too)");
            }
        }

        return check && changed > 0 ? 1 : 0;
    }
}
