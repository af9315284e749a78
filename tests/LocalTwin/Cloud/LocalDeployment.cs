using System.IO.Compression;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Testing.CloudFormation;

namespace EdgeMlOps.LocalTwin.Cloud;

/// <summary>
/// What <c>cdk deploy</c> leaves behind that the workflows and devices rely on, made on the local S3 server: every
/// bucket the stacks create and the asset buckets, the file assets uploaded, and the SSM parameters of the
/// apps' contract with their resolved values (each app reads the others' names from them, never from exports).
/// </summary>
public sealed class LocalDeployment
{
    private LocalDeployment(IReadOnlyDictionary<string, string> parameters, IReadOnlyList<string> buckets, int assets)
    {
        Parameters = parameters;
        Buckets = buckets;
        UploadedAssets = assets;
    }

    /// <summary>SSM parameter name → value, across the three apps.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    public IReadOnlyList<string> Buckets { get; }

    public int UploadedAssets { get; }

    public string Parameter(string name) =>
        Parameters.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"No stack publishes the SSM parameter {name}.");

    public static async Task<LocalDeployment> DeployAsync(SynthesizedApps apps, IAmazonS3 s3, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var buckets = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var json in apps.AllTemplates)
        {
            var template = new CloudFormationTemplate(json);
            var resolver = new IntrinsicResolver(template);
            foreach (var id in template.LogicalIdsOfType("AWS::S3::Bucket"))
            {
                buckets.Add(resolver.ResolveString(new JsonObject { ["Ref"] = id }, $"Resources.{id}"));
            }

            foreach (var id in template.LogicalIdsOfType("AWS::SSM::Parameter"))
            {
                var properties = template.Properties(id);
                parameters[resolver.ResolveString(properties["Name"], $"Resources.{id}.Properties.Name")] = resolver.ResolveString(properties["Value"], $"Resources.{id}.Properties.Value");
            }
        }

        foreach (var asset in apps.Assets)
        {
            buckets.Add(asset.BucketName);
        }

        foreach (var bucket in buckets)
        {
            try
            {
                await s3.PutBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
            }
            catch (Amazon.S3.Model.BucketAlreadyExistsException)
            {
                // Two stages of a staged environment on one local server: their unnamed buckets share a name (the
                // logical id), as the training and edge stacks' do.
            }
        }

        foreach (var asset in apps.Assets)
        {
            await UploadAsync(s3, asset, cancellationToken).ConfigureAwait(false);
        }

        return new LocalDeployment(parameters, [.. buckets], apps.Assets.Count);
    }

    private static async Task UploadAsync(IAmazonS3 s3, FileAsset asset, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        if (asset.IsDirectory)
        {
            ZipFile.CreateFromDirectory(asset.SourcePath, body);
        }
        else
        {
            await using var file = File.OpenRead(asset.SourcePath);
            await file.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        }

        body.Position = 0;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = asset.BucketName, Key = asset.ObjectKey, InputStream = body, AutoCloseStream = false }, cancellationToken).ConfigureAwait(false);
    }
}
