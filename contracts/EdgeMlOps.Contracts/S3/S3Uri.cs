namespace EdgeMlOps.Contracts;

/// <summary>
/// An S3 object or prefix address, <c>s3://bucket/key</c>: the one parser of S3 URIs in the project. The bucket is
/// not checked against S3's naming rules because at synthesis it may be a CloudFormation token or a
/// <c>${Placeholder}</c>; the shape is: the scheme, a bucket without '/', a '/', then a non-empty key.
/// </summary>
public readonly record struct S3Uri
{
    public const string Scheme = "s3://";

    public S3Uri(string bucket, string key)
    {
        if (Problem(bucket, key) is { } problem)
        {
            throw new ArgumentException($"Invalid S3 location (bucket '{bucket}', key '{key}'): {problem}");
        }

        Bucket = bucket;
        Key = key;
    }

    public string Bucket { get; }

    public string Key { get; }

    /// <summary>The last segment of the key (the file name; empty for a prefix ending in '/').</summary>
    public string FileName => Key[(Key.LastIndexOf('/') + 1)..];

    /// <summary>The folder of the key: up to and including its last '/' (empty for an object at the bucket's root).</summary>
    public string KeyFolder => Key[..(Key.LastIndexOf('/') + 1)];

    /// <summary>Parses <c>s3://bucket/key</c>; a <see cref="FormatException"/> says what is wrong with the text.</summary>
    public static S3Uri Parse(string? uri) =>
        TryParse(uri, out var location, out var error) ? location : throw new FormatException(error);

    public static bool TryParse(string? uri, out S3Uri location) => TryParse(uri, out location, out _);

    /// <summary>Parses <c>s3://bucket/key</c>; on failure <paramref name="error"/> names the text and what is wrong.</summary>
    public static bool TryParse(string? uri, out S3Uri location, out string error)
    {
        location = default;
        error = string.Empty;
        if (uri is null || !uri.StartsWith(Scheme, StringComparison.Ordinal))
        {
            error = $"'{uri}' is not an S3 URI: it must start with {Scheme} (s3://bucket/key)";
            return false;
        }

        var rest = uri[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? string.Empty : rest[(slash + 1)..];
        if (Problem(bucket, key) is { } problem)
        {
            error = $"'{uri}' is not an S3 URI: {problem} (s3://bucket/key)";
            return false;
        }

        location = new S3Uri(bucket, key);
        return true;
    }

    public void Deconstruct(out string bucket, out string key)
    {
        bucket = Bucket;
        key = Key;
    }

    public override string ToString() => $"{Scheme}{Bucket}/{Key}";

    private static string? Problem(string? bucket, string? key)
    {
        if (string.IsNullOrEmpty(bucket))
        {
            return "the bucket is empty";
        }

        if (bucket.Any(c => c is '/' or ' ' || char.IsControl(c)))
        {
            return "the bucket contains '/', a space or a control character";
        }

        return string.IsNullOrEmpty(key) ? "the key after the bucket is empty" : null;
    }
}
