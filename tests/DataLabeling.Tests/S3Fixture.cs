using EdgeMlOps.Testing;
using Xunit;

namespace EdgeMlOps.DataLabeling.Tests;

/// <summary>One s3rver per test class (xunit class fixtures need a single constructor, which S3rverServer does not have).</summary>
public sealed class S3Fixture : IAsyncLifetime
{
    public S3rverServer Server { get; } = new();

    public Task InitializeAsync() => Server.StartAsync();

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}
