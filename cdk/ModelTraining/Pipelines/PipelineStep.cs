using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>
/// One step of a SageMaker pipeline: a name, a type, the arguments of the API call SageMaker makes for it,
/// and the properties later steps may read (<see cref="OutputPaths"/>). Property references are only handed
/// out for declared outputs, so a reference to something a step does not produce fails when it is written.
/// </summary>
public abstract partial class PipelineStep
{
    protected PipelineStep(string name, string type)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Pipeline step name must match {NamePattern()}, got '{name}'", nameof(name));
        }

        Name = name;
        Type = type;
    }

    public string Name { get; }

    /// <summary>Step type as SageMaker spells it: Lambda, Training, Processing, Condition, RegisterModel, Fail.</summary>
    public string Type { get; }

    /// <summary>Property paths below <c>Steps.&lt;Name&gt;.</c> that this step produces.</summary>
    public abstract IReadOnlySet<string> OutputPaths { get; }

    /// <summary>Steps nested inside this one (the branches of a condition).</summary>
    public virtual IEnumerable<PipelineStep> NestedSteps => [];

    /// <summary>A reference to one of this step's outputs: <c>{"Get": "Steps.&lt;Name&gt;.&lt;path&gt;"}</c>.</summary>
    public JsonNode Property(string path)
    {
        if (!OutputPaths.Contains(path))
        {
            throw new ArgumentException($"Step {Name} ({Type}) has no output '{path}'; it has: {string.Join(", ", OutputPaths.Order(StringComparer.Ordinal))}");
        }

        return PipelineExpression.Get($"Steps.{Name}.{path}");
    }

    /// <summary>The step as it appears in the definition's <c>Steps</c> array.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["Name"] = Name,
            ["Type"] = Type,
        };
        AddTypeSpecificMembers(json);
        json["Arguments"] = BuildArguments();
        return json;
    }

    /// <summary>The request SageMaker sends for this step (e.g. a CreateTrainingJob request without the job name).</summary>
    protected abstract JsonObject BuildArguments();

    /// <summary>Members beside Name, Type and Arguments (FunctionArn, PropertyFiles...).</summary>
    protected virtual void AddTypeSpecificMembers(JsonObject json)
    {
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();
}
