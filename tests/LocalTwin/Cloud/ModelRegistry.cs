using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeMlOps.LocalTwin.Cloud;

/// <summary>
/// The SageMaker Model Registry of the twin: model packages as DescribeModelPackage returns them (PascalCase, as
/// Step Functions hands them over), and the EventBridge event SageMaker emits when one is approved.
/// </summary>
public sealed class ModelRegistry
{
    private readonly object _lock = new();
    private readonly List<JsonObject> _packages = [];

    public void Add(JsonObject describedPackage)
    {
        ArgumentNullException.ThrowIfNull(describedPackage);
        lock (_lock)
        {
            _packages.Add((JsonObject)describedPackage.DeepClone());
        }
    }

    /// <summary>What a reviewer's approval does: the package's ModelApprovalStatus becomes Approved.</summary>
    public void Approve(string modelPackageArn)
    {
        lock (_lock)
        {
            var package = _packages.FirstOrDefault(p => p["ModelPackageArn"]?.GetValue<string>() == modelPackageArn)
                ?? throw new ArgumentException($"No model package {modelPackageArn}", nameof(modelPackageArn));
            package["ModelApprovalStatus"] = "Approved";
        }
    }

    public JsonObject? Describe(string modelPackageArn)
    {
        lock (_lock)
        {
            return _packages.FirstOrDefault(p => p["ModelPackageArn"]?.GetValue<string>() == modelPackageArn)?.DeepClone() as JsonObject;
        }
    }

    /// <summary>Approved packages of a group, newest first (ListModelPackages sorted by CreationTime descending).</summary>
    public IReadOnlyList<JsonObject> Approved(string groupName)
    {
        lock (_lock)
        {
            return [.. _packages
                .Where(p => p["ModelPackageGroupName"]?.GetValue<string>() == groupName && p["ModelApprovalStatus"]?.GetValue<string>() == "Approved")
                .OrderByDescending(p => DateTimeOffset.Parse(p["CreationTime"]!.GetValue<string>(), CultureInfo.InvariantCulture))];
        }
    }

    /// <summary>
    /// The <c>SageMaker Model Package State Change</c> event for a package, in EventBridge's envelope; its detail
    /// is the package as SageMaker describes it.
    /// </summary>
    public JsonObject StateChangeEvent(string modelPackageArn, string account, string region)
    {
        var detail = Describe(modelPackageArn) ?? throw new ArgumentException($"No model package {modelPackageArn}", nameof(modelPackageArn));
        return new JsonObject
        {
            ["version"] = "0",
            ["id"] = Guid.NewGuid().ToString(),
            ["detail-type"] = "SageMaker Model Package State Change",
            ["source"] = "aws.sagemaker",
            ["account"] = account,
            ["time"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["region"] = region,
            ["resources"] = new JsonArray(modelPackageArn),
            ["detail"] = detail,
        };
    }
}
