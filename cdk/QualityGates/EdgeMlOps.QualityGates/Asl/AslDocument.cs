using System.Text.Json.Nodes;
using EdgeMlOps.QualityGates.Templates;

namespace EdgeMlOps.QualityGates.Asl;

/// <summary>A state machine definition to check, named by where it came from (ASL file or template/resource).</summary>
public sealed record AslDocument(string Source, JsonObject Definition)
{
    /// <summary>
    /// The repository's ASL files plus definitions written inline in templates (state machines without
    /// <c>Metadata.aslFile</c>). Files that are not JSON are skipped here: the ASL gate reports them.
    /// </summary>
    public static IReadOnlyList<AslDocument> Collect(string repoRoot, IReadOnlyList<string> aslFiles, IReadOnlyList<TemplateFile> templates)
    {
        var documents = new List<AslDocument>();
        foreach (var file in aslFiles)
        {
            if (TryParse(File.ReadAllText(Path.Combine(repoRoot, file))) is { } definition)
            {
                documents.Add(new AslDocument(file, definition));
            }
        }

        foreach (var machine in StateMachineResource.In(templates).Where(m => m.AslFile is null))
        {
            if (machine.DefinitionText(repoRoot) is { } text && TryParse(text) is { } definition)
            {
                documents.Add(new AslDocument($"{machine.Template.Name}#{machine.LogicalId}", definition));
            }
        }

        return documents;
    }

    public static JsonObject? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
