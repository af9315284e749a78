using Amazon.S3;
using Amazon.S3.Model;

namespace EdgeMlOps.Labeling.Common;

/// <summary>One listed object: key, size and upload time (what ListObjectsV2 returns, nothing downloaded).</summary>
public readonly record struct ListedObject(string Key, long Size, DateTime LastModified);

/// <summary>
/// Listing of a bucket as ListObjectsV2 offers it: keys under a prefix in ascending UTF-8 order, optionally only
/// those after <c>startAfter</c>; and the "folders" one level below a prefix (common prefixes for delimiter '/').
/// </summary>
public interface IObjectLister
{
    /// <summary>Keys under <paramref name="prefix"/> after <paramref name="startAfter"/> (exclusive), in key order.</summary>
    IAsyncEnumerable<ListedObject> ListAsync(string bucket, string prefix, string? startAfter, CancellationToken cancellationToken = default);

    /// <summary>
    /// One level below <paramref name="prefix"/> (delimiter '/'): each folder as an entry whose key ends with '/'
    /// (size 0), and each object directly under the prefix as itself.
    /// </summary>
    IAsyncEnumerable<ListedObject> ListLevelAsync(string bucket, string prefix, CancellationToken cancellationToken = default);
}

/// <summary><see cref="IObjectLister"/> on S3 ListObjectsV2, page by page (1,000 keys a page).</summary>
public sealed class S3ObjectLister(IAmazonS3 s3) : IObjectLister
{
    public async IAsyncEnumerable<ListedObject> ListAsync(
        string bucket, string prefix, string? startAfter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, StartAfter = startAfter };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.S3Objects ?? [])
            {
                yield return new ListedObject(entry.Key, entry.Size ?? 0, entry.LastModified?.ToUniversalTime() ?? DateTime.MinValue);
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
    }

    public async IAsyncEnumerable<ListedObject> ListLevelAsync(
        string bucket, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, Delimiter = "/" };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var folder in page.CommonPrefixes ?? [])
            {
                yield return new ListedObject(folder, 0, DateTime.MinValue);
            }

            foreach (var entry in page.S3Objects ?? [])
            {
                yield return new ListedObject(entry.Key, entry.Size ?? 0, entry.LastModified?.ToUniversalTime() ?? DateTime.MinValue);
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
    }
}
