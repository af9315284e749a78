namespace EdgeMlOps.Labeling.Common;

/// <summary>An S3 object (or prefix) address, parsed from and printed as <c>s3://bucket/key</c>.</summary>
public readonly record struct S3Uri(string Bucket, string Key)
{
    private const string Scheme = "s3://";

    public static S3Uri Parse(string uri)
    {
        if (!TryParse(uri, out var location))
        {
            throw new FormatException($"'{uri}' is not an s3://bucket/key URI");
        }

        return location;
    }

    public static bool TryParse(string? uri, out S3Uri location)
    {
        location = default;
        if (uri is null || !uri.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = uri[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1)
        {
            return false;
        }

        location = new S3Uri(rest[..slash], rest[(slash + 1)..]);
        return true;
    }

    public override string ToString() => $"{Scheme}{Bucket}/{Key}";
}
