namespace EdgeMlOps.Lambdas.PrepareYoloDataset;

/// <summary>An s3://bucket/key URI split into its parts.</summary>
public readonly record struct S3Uri(string Bucket, string Key)
{
    public static S3Uri Parse(string uri)
    {
        if (!uri.StartsWith("s3://", StringComparison.Ordinal) || uri.IndexOf('/', 5) is var slash && slash <= 5)
        {
            throw new ArgumentException($"not an s3://bucket/key URI: '{uri}'");
        }

        return new S3Uri(uri[5..slash], uri[(slash + 1)..]);
    }

    public override string ToString() => $"s3://{Bucket}/{Key}";
}
