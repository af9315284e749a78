using System.Text.Json.Nodes;

namespace EdgeMlOps.QualityGates.Templates;

/// <summary>Actions a state machine declares it needs beyond its tasks, with the reason (written by AslStateMachine).</summary>
public sealed record SupportingActions(IReadOnlyList<string> Actions, string Reason);

/// <summary>
/// An <c>AWS::StepFunctions::StateMachine</c> in a template, with what the gates read from it: the ASL file it
/// was built from (<c>Metadata.aslFile</c>), its definition, its substitutions, its role and its declared
/// supporting actions (<c>Metadata.supportingActions</c>).
/// </summary>
public sealed record StateMachineResource(TemplateFile Template, TemplateResource Resource)
{
    public const string Type = "AWS::StepFunctions::StateMachine";

    public string LogicalId => Resource.LogicalId;

    /// <summary>Repository-relative ASL file, or null when the construct did not record one.</summary>
    public string? AslFile => Resource.Metadata["aslFile"] is JsonValue v && v.TryGetValue<string>(out var file) ? file.Replace('\\', '/') : null;

    public JsonObject Substitutions => Resource.Properties["DefinitionSubstitutions"] as JsonObject ?? [];

    /// <summary>The logical id of the role in <c>RoleArn</c>, or null when it is not a role of this template.</summary>
    public string? RoleLogicalId => Intrinsics.ReferencedLogicalId(Resource.Properties["RoleArn"]);

    public IReadOnlyList<SupportingActions> Supporting =>
        (Resource.Metadata["supportingActions"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(s => new SupportingActions(Intrinsics.Strings(s["actions"]).ToList(), s["reason"] is JsonValue r && r.TryGetValue<string>(out var reason) ? reason : ""))
            .ToList();

    /// <summary>
    /// The definition text: the template's <c>DefinitionString</c> (or <c>Definition</c> object) when it is
    /// literal, else the ASL file. Null when neither can be read.
    /// </summary>
    public string? DefinitionText(string repoRoot)
    {
        var properties = Resource.Properties;
        if (properties["DefinitionString"] is JsonValue s && s.TryGetValue<string>(out var text))
        {
            return text;
        }

        if (properties["Definition"] is JsonObject definition)
        {
            return definition.ToJsonString();
        }

        var file = AslFile is null ? null : Path.Combine(repoRoot, AslFile);
        return file is not null && File.Exists(file) ? File.ReadAllText(file) : null;
    }

    public static IEnumerable<StateMachineResource> In(IEnumerable<TemplateFile> templates) =>
        templates.SelectMany(t => t.OfType(Type).Select(r => new StateMachineResource(t, r)));
}
