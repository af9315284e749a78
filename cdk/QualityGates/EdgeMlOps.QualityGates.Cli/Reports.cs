using System.Text;
using System.Text.Json;
using EdgeMlOps.QualityGates.Model;

namespace EdgeMlOps.QualityGates.Cli;

/// <summary>Renders gate results: a console summary, JSON, and the suppressions as Markdown.</summary>
public static class Reports
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <param name="suppressionsFile">Where the suppressions are listed (--suppressions-md), for the count line. Default: none.</param>
    public static void WriteConsole(IReadOnlyList<GateResult> results, TextWriter output, string? suppressionsFile = null)
    {
        output.WriteLine($"{"Gate",-20} {"Checked",8} {"Failures",9} {"Suppressions",13}  Result");
        foreach (var r in results)
        {
            output.WriteLine($"{r.Gate,-20} {r.Checked,8} {r.Failures.Count,9} {r.Suppressions.Count,13}  {(r.Passed ? "PASS" : "FAIL")}");
        }

        foreach (var r in results.Where(r => !r.Passed))
        {
            output.WriteLine();
            output.WriteLine($"{r.Gate} failures:");
            foreach (var f in r.Failures)
            {
                output.WriteLine($"  {f.Source} | {f.Subject} | {f.Check}");
                output.WriteLine($"      {f.Message}");
            }
        }

        // The list is long (one line per waived rule and resource) and has its own file: one count line here.
        var suppressions = results.SelectMany(r => r.Suppressions).Count();
        if (suppressions > 0)
        {
            output.WriteLine();
            var count = suppressions == 1 ? "1 cfn-guard suppression" : $"{suppressions} cfn-guard suppressions";
            output.WriteLine(suppressionsFile is null
                ? $"{count} used, each with its reason (list them with --suppressions-md FILE)"
                : $"{count} used, each with its reason: {suppressionsFile}");
        }
    }

    public static string Json(IReadOnlyList<GateResult> results) =>
        JsonSerializer.Serialize(new
        {
            passed = results.All(r => r.Passed),
            gates = results.Select(r => new { gate = r.Gate, passed = r.Passed, @checked = r.Checked, failures = r.Failures, suppressions = r.Suppressions }),
        }, s_json);

    public static string SuppressionsMarkdown(IReadOnlyList<GateResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| Template | Resource | Rule | Reason |");
        text.AppendLine("|---|---|---|---|");
        foreach (var s in results.SelectMany(r => r.Suppressions))
        {
            text.AppendLine($"| {Cell(s.Template)} | {Cell(s.Resource)} | {Cell(s.Rule)} | {Cell(s.Reason)} |");
        }

        return text.ToString();
    }

    private static string Cell(string value) => value.Replace("|", "\\|").ReplaceLineEndings(" ");
}
