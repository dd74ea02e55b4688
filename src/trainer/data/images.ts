// A folder of images, one sub-folder per class (the sub-folder names are the class names).
// PNG and JPEG, decoded in pure JS; every image is resized to one size.
import { join } from 'node:path';
import type { DatasetConfig } from '../../core/config/types';
import { DataError, type DatasetLoader, type SourceExamples } from './types';
import { hasher, listFolder, readDataFile, resolveDataPath } from './sourceFiles';
import { decodeImage, writePixels } from './imagePixels';

type ImagesConfig = Extract<DatasetConfig, { format: 'images' }>;
const IMAGE_FILE = /\.(png|jpe?g)$/i;

export const images: DatasetLoader<ImagesConfig> = {
  id: 'images',
  description: 'A folder with one sub-folder of PNG/JPEG images per class; images are resized to `width`×`height` (default: the first image\'s size).',
  async load(config, ctx): Promise<SourceExamples> {
    const root = resolveDataPath(ctx.baseDir, config.path);
    const entries = await listFolder(root, 'image folder');
    const classNames = entries.filter((e) => e.isDir && !e.name.startsWith('.')).map((e) => e.name);
    if (classNames.length === 0) throw new DataError('no class sub-folders: put the images of each class in a sub-folder named after the class', { file: root });
    const files: { path: string; rel: string; label: number }[] = [];
    let skipped = 0;
    for (const [label, name] of classNames.entries()) {
      const dir = join(root, name);
      const inClass = (await listFolder(dir, 'class folder')).filter((e) => !e.isDir && !e.name.startsWith('.'));
      const imageFiles = inClass.filter((e) => IMAGE_FILE.test(e.name));
      skipped += inClass.length - imageFiles.length;
      if (imageFiles.length === 0) throw new DataError(`class folder "${name}" has no PNG or JPEG images`, { file: dir, entry: name });
      for (const f of imageFiles) files.push({ path: join(dir, f.name), rel: `${name}/${f.name}`, label });
    }
    if (skipped > 0) ctx.log('info', `${root}: skipped ${skipped} file${skipped > 1 ? 's' : ''} that are not .png, .jpg or .jpeg`);

    const channels: 1 | 3 = config.grayscale ? 1 : 3;
    const hash = hasher();
    hash.update(JSON.stringify({ channels }));
    let width = config.width ?? 0;
    let height = config.height ?? 0;
    let values = new Float32Array(0);
    let resized = 0;
    const labels = new Int32Array(files.length);
    for (const [i, f] of files.entries()) {
      const bytes = await readDataFile(f.path, 'image');
      hash.update(f.rel);
      hash.update(bytes);
      const img = decodeImage(bytes, f.path);
      if (i === 0) {
        // Unset sizes come from the first image; one given side keeps its aspect ratio.
        if (!width && !height) { width = img.width; height = img.height; }
        else if (!width) width = Math.max(1, Math.round((img.width * height) / img.height));
        else if (!height) height = Math.max(1, Math.round((img.height * width) / img.width));
        values = new Float32Array(files.length * width * height * channels);
      }
      if (img.width !== width || img.height !== height) resized++;
      writePixels(img, width, height, channels, values, i * width * height * channels);
      labels[i] = f.label;
    }
    if (resized > 0) ctx.log('info', `${root}: resized ${resized} of ${files.length} images to ${width}×${height} (bilinear)`);
    return { name: config.path, kind: 'image', shape: [height, width, channels], values, labels, classNames, contentHash: hash.digest() };
  },
};
