using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.StepFunctions;
using Constructs;

namespace EdgeMlOps.Cdk.Shared.Constructs;

/// <summary>
/// Actions a state machine needs beyond what its tasks name (e.g. the Glue and S3 reads behind an Athena
/// query, or KMS for an encrypted topic), each with the reason. The IAM quality gate accepts these.
/// </summary>
public sealed record SupportingPermission(IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, string Reason)
{
    public PolicyStatement ToStatement() => new(new PolicyStatementProps { Actions = Actions.ToArray(), Resources = Resources.ToArray() });
}

public sealed record AslStateMachineProps
{
    /// <summary>Repository-relative ASL file, e.g. <c>statemachines/labeling.asl.json</c>. Required.</summary>
    public required string DefinitionFile { get; init; }

    /// <summary>Where the repository is. Required.</summary>
    public required BuildOptions Build { get; init; }

    /// <summary>Value of every <c>${Placeholder}</c> in the file; each must be used. Default: none.</summary>
    public IReadOnlyDictionary<string, string> Substitutions { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Dot-separated paths of fields the synthesis removes from the definition before its placeholders are checked
    /// (see <see cref="AslFieldOmission"/>). Default: none.
    /// </summary>
    public IReadOnlyList<string> OmittedFields { get; init; } = [];

    /// <summary>Exactly the actions the tasks call, scoped to their resources. Required.</summary>
    public required IReadOnlyList<PolicyStatement> TaskPermissions { get; init; }

    /// <summary>Actions needed beyond the task actions, each with a reason. Default: none.</summary>
    public IReadOnlyList<SupportingPermission> SupportingPermissions { get; init; } = [];

    /// <summary>Physical name. Default: generated.</summary>
    public string? StateMachineName { get; init; }

    /// <summary>Longest an execution may run. Default: no limit beyond the service's (one year).</summary>
    public Duration? Timeout { get; init; }

    /// <summary>Days of execution log retention. Default: one year (the Control Tower minimum).</summary>
    public RetentionDays LogRetention { get; init; } = RetentionDays.ONE_YEAR;
}

/// <summary>
/// A Standard state machine loaded from an ASL file in <c>statemachines/</c>, with its placeholders filled
/// through definition substitutions (so the definition stays readable in the template), execution logging
/// at level ALL to a KMS-encrypted log group, X-Ray tracing, and a role granted exactly the task actions.
/// </summary>
public sealed partial class AslStateMachine : Construct
{
    public AslStateMachine(Construct scope, string id, AslStateMachineProps props)
        : base(scope, id)
    {
        var path = props.Build.Resolve(props.DefinitionFile);
        if (!File.Exists(path))
        {
            throw new ArgumentException($"AslStateMachineProps.DefinitionFile '{props.DefinitionFile}' does not exist");
        }

        var definition = AslFieldOmission.Apply(props.DefinitionFile, File.ReadAllText(path), props.OmittedFields);
        ValidatePlaceholders(props.DefinitionFile, definition, props.Substitutions);
        if (props.TaskPermissions.Count == 0)
        {
            throw new ArgumentException($"AslStateMachineProps.TaskPermissions of {props.DefinitionFile} is empty; a workflow without AWS calls needs no state machine");
        }

        (LogKey, LogGroup) = EncryptedLogGroup.AddTo(this, new EncryptedLogGroupProps { Purpose = "execution logs", Retention = props.LogRetention });

        Role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("states.amazonaws.com"),
            Description = $"Runs the tasks of {props.DefinitionFile}",
        });
        foreach (var statement in props.TaskPermissions)
        {
            Role.AddToPrincipalPolicy(statement);
        }

        foreach (var supporting in props.SupportingPermissions)
        {
            if (string.IsNullOrWhiteSpace(supporting.Reason))
            {
                throw new ArgumentException($"AslStateMachineProps.SupportingPermissions of {props.DefinitionFile}: {string.Join(", ", supporting.Actions)} needs a reason");
            }

            Role.AddToPrincipalPolicy(supporting.ToStatement());
        }

        StateMachine = new StateMachine(this, "Resource", new StateMachineProps
        {
            StateMachineName = props.StateMachineName,
            StateMachineType = StateMachineType.STANDARD,
            DefinitionBody = DefinitionBody.FromString(definition),
            DefinitionSubstitutions = props.Substitutions.ToDictionary(kv => kv.Key, kv => kv.Value),
            Role = Role,
            Timeout = props.Timeout,
            TracingEnabled = true,
            Logs = new LogOptions
            {
                Destination = LogGroup,
                Level = LogLevel.ALL,
                IncludeExecutionData = true,
            },
        });

        var resource = (CfnStateMachine)StateMachine.Node.DefaultChild!;
        resource.AddMetadata("aslFile", props.DefinitionFile);
        if (props.SupportingPermissions.Count > 0)
        {
            resource.AddMetadata("supportingActions", props.SupportingPermissions
                .Select(p => new Dictionary<string, object>
                {
                    ["actions"] = p.Actions.ToArray(),
                    ["reason"] = p.Reason,
                })
                .ToArray());
        }
    }

    public StateMachine StateMachine { get; }

    public Role Role { get; }

    public LogGroup LogGroup { get; }

    public Key LogKey { get; }

    public string StateMachineArn => StateMachine.StateMachineArn;

    public Grant GrantStartExecution(IGrantable grantee) => StateMachine.GrantStartExecution(grantee);

    /// <summary>Every placeholder in the file must be supplied, and every substitution must be used.</summary>
    public static void ValidatePlaceholders(string file, string definition, IReadOnlyDictionary<string, string> substitutions)
    {
        var used = PlaceholderPattern().Matches(definition).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        problems.AddRange(used.Where(u => !substitutions.ContainsKey(u)).Order(StringComparer.Ordinal)
            .Select(u => $"{file}: placeholder ${{{u}}} has no substitution"));
        problems.AddRange(substitutions.Keys.Where(k => !used.Contains(k)).Order(StringComparer.Ordinal)
            .Select(k => $"{file}: substitution {k} is not used by any ${{{k}}}"));
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(System.Environment.NewLine, problems));
        }
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9_]+)\}")]
    private static partial Regex PlaceholderPattern();
}
