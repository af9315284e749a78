using System.Text.Json.Nodes;

namespace EdgeMlOps.Cdk.Summary;

/// <summary>One synthesized stack: where it sits, its name and how many resources of each kind it holds.</summary>
public sealed record StackSummary(string Assembly, string StackName, int ResourceCount, IReadOnlyDictionary<string, int> ResourceTypes);

/// <summary>Reads a cloud assembly (cdk.out) and its nested stage assemblies into stack summaries.</summary>
public static class CloudAssemblySummary
{
    public static IReadOnlyList<StackSummary> Read(string cdkOut)
    {
        var manifestPath = Path.Combine(cdkOut, "manifest.json");
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"{manifestPath} not found: run cdk synth first");
        }

        var stacks = new List<StackSummary>();
        ReadAssembly(cdkOut, "(app)", stacks);
        return stacks;
    }

    private static void ReadAssembly(string directory, string displayName, List<StackSummary> stacks)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json")))!;
        foreach (var (_, artifact) in manifest["artifacts"]!.AsObject())
        {
            switch (artifact!["type"]!.GetValue<string>())
            {
                case "aws:cloudformation:stack":
                    var templateFile = artifact["properties"]!["templateFile"]!.GetValue<string>();
                    var stackName = artifact["properties"]!["stackName"]?.GetValue<string>() ?? artifact["displayName"]!.GetValue<string>();
                    var template = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, templateFile)))!;
                    var types = (template["Resources"]?.AsObject() ?? [])
                        .Select(r => r.Value!["Type"]!.GetValue<string>())
                        .Where(t => t != "AWS::CDK::Metadata")
                        .GroupBy(t => t)
                        .ToDictionary(g => g.Key, g => g.Count());
                    stacks.Add(new StackSummary(displayName, stackName, types.Values.Sum(), types));
                    break;
                case "cdk:cloud-assembly":
                    var nested = artifact["properties"]!["directoryName"]!.GetValue<string>();
                    ReadAssembly(Path.Combine(directory, nested), artifact["properties"]!["displayName"]?.GetValue<string>() ?? nested, stacks);
                    break;
            }
        }
    }
}
