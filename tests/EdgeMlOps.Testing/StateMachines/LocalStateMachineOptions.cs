namespace EdgeMlOps.Testing.StateMachines;

/// <summary>Options for building a <see cref="LocalStateMachine"/>.</summary>
public sealed record LocalStateMachineOptions
{
    /// <summary>
    /// Folder holding the Lambda assemblies named in the template's Handler properties.
    /// Default: the test assembly's folder (<see cref="AppContext.BaseDirectory"/>), where referenced Lambda projects are built.
    /// </summary>
    public string? LambdaProbingDirectory { get; init; }

    /// <summary>
    /// SSM parameter values by name, for <c>{{resolve:ssm:name}}</c> and SSM-typed template parameters.
    /// Default: an AWS::SSM::Parameter in the template with that Name and a literal Value, else <c>ssm:&lt;name&gt;</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> SsmParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Template parameter values by name. Default: each parameter's Default.</summary>
    public IReadOnlyDictionary<string, string> TemplateParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Validate the definition with asl-validator (JSONPaths and ARNs included) before each run. Default: true.
    /// </summary>
    public bool ValidateDefinition { get; init; } = true;

    /// <summary>
    /// The service quotas every run is held to (history events, payload size, Express duration). Default:
    /// <see cref="ServiceQuotas.Aws"/>, the service's own values; only tests of the harness lower them.
    /// </summary>
    public ServiceQuotas Quotas { get; init; } = ServiceQuotas.Aws;
}
