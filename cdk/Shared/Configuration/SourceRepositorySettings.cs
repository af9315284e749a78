namespace EdgeMlOps.Cdk.Shared.Configuration;

/// <summary>Where the asset and workflow pipelines take the repository from.</summary>
public enum SourceRepositoryKind
{
    /// <summary>GitHub, GitLab or Bitbucket through an AWS CodeConnections connection.</summary>
    CodeConnections,

    /// <summary>An existing AWS CodeCommit repository.</summary>
    CodeCommit,

    /// <summary>A zip of the repository as an S3 object (e.g. uploaded by another CI system).</summary>
    S3,
}

public sealed record SourceRepositorySettings
{
    public required SourceRepositoryKind Kind { get; init; }

    /// <summary>CodeConnections connection ARN (kind codeconnections only).</summary>
    public string? ConnectionArn { get; init; }

    /// <summary><c>owner/name</c> of the repository (codeconnections) or the CodeCommit repository name.</summary>
    public string? Repository { get; init; }

    /// <summary>Branch to build.</summary>
    public required string Branch { get; init; }

    /// <summary>Bucket holding the source zip (kind s3 only).</summary>
    public string? BucketName { get; init; }

    /// <summary>Key of the source zip (kind s3 only).</summary>
    public string? ObjectKey { get; init; }
}

public sealed record NotificationSettings
{
    /// <summary>E-mail addresses subscribed to every app's notification topic.</summary>
    public required IReadOnlyList<string> Emails { get; init; }
}
