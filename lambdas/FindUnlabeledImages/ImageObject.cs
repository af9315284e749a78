namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>An image found under a scanned prefix.</summary>
public sealed record ImageObject(string Bucket, string Key, DateTime LastModified)
{
    public string SourceRef => $"s3://{Bucket}/{Key}";
}
