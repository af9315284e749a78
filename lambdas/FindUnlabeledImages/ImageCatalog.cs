using Amazon.S3;
using Amazon.S3.Model;
using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>Lists the images under the scanned prefixes, page by page, judging each object with <see cref="ImageContent"/>.</summary>
public sealed class ImageCatalog
{
    private readonly IAmazonS3 _s3;

    public ImageCatalog(IAmazonS3 s3)
    {
        _s3 = s3;
    }

    public async Task<IReadOnlyList<ImageObject>> ListAsync(string bucket, IEnumerable<string> prefixes, SkipTally skipped, CancellationToken cancellationToken = default)
    {
        var images = new List<ImageObject>();
        foreach (var prefix in prefixes)
        {
            var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
            ListObjectsV2Response page;
            do
            {
                page = await _s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
                foreach (var entry in page.S3Objects ?? [])
                {
                    if (await IsImageAsync(bucket, entry, skipped, cancellationToken).ConfigureAwait(false))
                    {
                        images.Add(new ImageObject(bucket, entry.Key, entry.LastModified?.ToUniversalTime() ?? DateTime.MinValue));
                    }
                }

                request.ContinuationToken = page.NextContinuationToken;
            }
            while (page.IsTruncated == true);
        }

        return images;
    }

    private async Task<bool> IsImageAsync(string bucket, S3Object entry, SkipTally skipped, CancellationToken cancellationToken)
    {
        var sourceRef = $"s3://{bucket}/{entry.Key}";
        if (entry.Key.EndsWith('/'))
        {
            return false; // a folder marker, not an object anyone uploaded
        }

        if (CaptureLayout.IsSidecar(entry.Key))
        {
            return false; // a device's capture sidecar, uploaded next to its image: not an image, and not a problem
        }

        if (entry.Size is null or 0)
        {
            skipped.Add(sourceRef, SkipReasons.EmptyObject, "object has no content");
            return false;
        }

        if (ImageContent.FromExtension(entry.Key) != ImageFormat.Unknown)
        {
            return true;
        }

        var head = await ReadHeadAsync(bucket, entry.Key, cancellationToken).ConfigureAwait(false);
        if (ImageContent.Sniff(head) != ImageFormat.Unknown)
        {
            return true;
        }

        skipped.Add(sourceRef, SkipReasons.UnsupportedImage, $"'{Path.GetExtension(entry.Key)}' is not .jpg/.jpeg/.png and the content is not JPEG or PNG");
        return false;
    }

    private async Task<byte[]> ReadHeadAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        using var response = await _s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ByteRange = new ByteRange(0, ImageContent.SniffLength - 1),
        }, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[ImageContent.SniffLength];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await response.ResponseStream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return buffer[..read];
    }
}
