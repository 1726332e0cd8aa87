// Drives Strato's S3 with the AWS SDK for JavaScript v3 and prints one JSON result line.
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListObjectsV2Command,
  DeleteObjectCommand, HeadObjectCommand, CreateMultipartUploadCommand, UploadPartCommand,
  CompleteMultipartUploadCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Readable } from "node:stream";
import { createHash } from "node:crypto";

const [endpoint, bucket] = process.argv.slice(2);
const s3 = new S3Client({
  endpoint, region: "us-east-1", forcePathStyle: true, maxAttempts: 1,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const out = {};
const md5 = (b) => createHash("md5").update(b).digest("hex");

await s3.send(new CreateBucketCommand({ Bucket: bucket }));
const small = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "dir/small.txt", Body: "hello from node", ContentType: "text/plain", Metadata: { origin: "node" } }));
out.smallETag = small.ETag;
// A stream body makes the SDK send aws-chunked with a trailing checksum.
const big = Buffer.alloc(300000);
for (let i = 0; i < big.length; i++) big[i] = i % 251;
const streamed = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "dir/streamed.bin", Body: Readable.from([big.subarray(0, 150000), big.subarray(150000)]), ContentLength: big.length }));
out.streamedETag = streamed.ETag;
out.streamedMd5 = md5(big);
const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "dir/small.txt" }));
out.smallBody = await got.Body.transformToString();
out.smallType = got.ContentType;
out.smallMeta = got.Metadata;
const got2 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "dir/streamed.bin" }));
out.streamedReadMd5 = md5(Buffer.from(await got2.Body.transformToByteArray()));
const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "dir/streamed.bin" }));
out.streamedLength = head.ContentLength;
// Multipart with two parts (first >= 5 MiB).
const partA = Buffer.alloc(5 * 1024 * 1024, 1), partB = Buffer.from("end");
const mpu = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "mpu.bin" }));
const p1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "mpu.bin", UploadId: mpu.UploadId, PartNumber: 1, Body: partA }));
const p2 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "mpu.bin", UploadId: mpu.UploadId, PartNumber: 2, Body: partB }));
const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "mpu.bin", UploadId: mpu.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } }));
out.mpuETag = done.ETag;
const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "dir/", Delimiter: "/" }));
out.listed = (listed.Contents || []).map((c) => c.Key);
const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: "dir/small.txt" }), { expiresIn: 60 });
out.presignedBody = await (await fetch(url)).text();
await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "dir/small.txt" }));
try {
  await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "dir/small.txt" }));
  out.missing = "found";
} catch (e) {
  out.missing = `${e.name} ${e.$metadata.httpStatusCode}`;
}
console.log(JSON.stringify(out));
