using Amazon.CDK;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;

namespace EdgeMlOps.Cdk.ModelTraining;

public sealed record ModelPackageGroupProps
{
    /// <summary>Physical name of the group. Required.</summary>
    public required string GroupName { get; init; }

    /// <summary>Shown in the SageMaker console. Required.</summary>
    public required string Description { get; init; }
}

/// <summary>The model registry group the training pipeline registers models in; the edge app reads its name from SSM.</summary>
public sealed class ModelPackageGroup : Construct
{
    public ModelPackageGroup(Construct scope, string id, ModelPackageGroupProps props)
        : base(scope, id)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(props.GroupName, "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"))
        {
            throw new ArgumentException($"ModelPackageGroupProps.GroupName must be 1-63 letters, digits and hyphens, got '{props.GroupName}'");
        }

        Resource = new CfnModelPackageGroup(this, "Resource", new CfnModelPackageGroupProps
        {
            ModelPackageGroupName = props.GroupName,
            ModelPackageGroupDescription = props.Description,
        });
        Resource.ApplyRemovalPolicy(RemovalPolicy.RETAIN);
        GroupName = props.GroupName;
    }

    public CfnModelPackageGroup Resource { get; }

    public string GroupName { get; }

    public string GroupArn => Resource.AttrModelPackageGroupArn;

    /// <summary>ARN pattern of the packages in the group (model-package/&lt;group&gt;/&lt;version&gt;).</summary>
    public string PackagesArn => Stack.Of(this).FormatArn(new ArnComponents { Service = "sagemaker", Resource = "model-package", ResourceName = $"{GroupName.ToLowerInvariant()}/*" });
}
