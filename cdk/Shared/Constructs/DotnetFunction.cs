using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Constructs;

namespace EdgeMlOps.Cdk.Shared.Constructs;

public sealed record DotnetFunctionProps
{
    /// <summary>Repository-relative folder of the Lambda project, e.g. <c>lambdas/FindUnlabeledImages</c>. Required.</summary>
    public required string ProjectDirectory { get; init; }

    /// <summary>Handler in <c>Assembly::Namespace.Type::Method</c> form. Required.</summary>
    public required string Handler { get; init; }

    /// <summary>Whether and where to publish. Required.</summary>
    public required BuildOptions Build { get; init; }

    /// <summary>What the function does. Required: it is shown in the console and the template.</summary>
    public required string Description { get; init; }

    /// <summary>Environment variables. Default: none.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Timeout. Default: 60 seconds.</summary>
    public Duration? Timeout { get; init; }

    /// <summary>Memory in MB. Default: 512.</summary>
    public int MemorySize { get; init; } = 512;

    /// <summary>Days of log retention. Default: one year (the Control Tower minimum).</summary>
    public RetentionDays LogRetention { get; init; } = RetentionDays.ONE_YEAR;
}

/// <summary>
/// A C# Lambda function on the managed dotnet8 runtime (arm64), published from its project with
/// <c>dotnet publish</c>, logging to its own KMS-encrypted log group, with a role that can only write
/// those logs and traces until a grant adds more.
/// </summary>
public sealed class DotnetFunction : Construct
{
    private const string PlaceholderFolder = ".build/placeholder-asset";

    public DotnetFunction(Construct scope, string id, DotnetFunctionProps props)
        : base(scope, id)
    {
        if (!props.Handler.Contains("::", StringComparison.Ordinal) || props.Handler.Split("::").Length != 3)
        {
            throw new ArgumentException($"DotnetFunctionProps.Handler must be Assembly::Namespace.Type::Method, got '{props.Handler}'");
        }

        if (props.MemorySize is < 128 or > 10240)
        {
            throw new ArgumentException($"DotnetFunctionProps.MemorySize must be between 128 and 10240, got {props.MemorySize}");
        }

        var projectPath = props.Build.Resolve(props.ProjectDirectory);
        if (!Directory.Exists(projectPath))
        {
            throw new ArgumentException($"DotnetFunctionProps.ProjectDirectory '{props.ProjectDirectory}' does not exist under {props.Build.RepositoryRoot}");
        }

        var code = props.Build.SkipsFunctionBundling
            ? Code.FromAsset(PlaceholderAsset(props.Build.RepositoryRoot))
            : Code.FromAsset(DotnetPublisher.Publish(props.Build.RepositoryRoot, props.ProjectDirectory));

        (LogKey, LogGroup) = EncryptedLogGroup.AddTo(this, new EncryptedLogGroupProps { Purpose = "logs", Retention = props.LogRetention });

        Role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = $"Execution role of {Node.Path}",
        });
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resources = [LogGroup.LogGroupArn, $"{LogGroup.LogGroupArn}:*"],
        }));

        Function = new Function(this, "Resource", new FunctionProps
        {
            Runtime = Runtime.DOTNET_8,
            Architecture = Architecture.ARM_64,
            Handler = props.Handler,
            Code = code,
            Description = props.Description,
            MemorySize = props.MemorySize,
            Timeout = props.Timeout ?? Duration.Seconds(60),
            Environment = props.Environment.ToDictionary(kv => kv.Key, kv => kv.Value),
            Role = Role,
            LogGroup = LogGroup,
            Tracing = Tracing.ACTIVE,
        });
        GuardSuppressions.Add(Function, "lambda_inside_vpc_check",
            "The function only reaches S3 and CloudWatch through their public endpoints with IAM auth; a VPC would add NAT or endpoint cost and no isolation, as it touches no private network resource.");
    }

    public Function Function { get; }

    public Role Role { get; }

    public LogGroup LogGroup { get; }

    public Key LogKey { get; }

    public string FunctionArn => Function.FunctionArn;

    public Grant GrantInvoke(IGrantable grantee) => Function.GrantInvoke(grantee);

    private static string PlaceholderAsset(string repositoryRoot)
    {
        var folder = Path.Combine(repositoryRoot, PlaceholderFolder);
        Directory.CreateDirectory(folder);
        var marker = Path.Combine(folder, "README.txt");
        if (!File.Exists(marker))
        {
            File.WriteAllText(marker, "Placeholder asset used when bundling is skipped (template tests). Never deployed.\n");
        }

        return folder;
    }
}
