"""Photo pipeline benchmark: time to process a 12-megapixel phone photo and the size of each rendition.

    python -m bench.images                 # 3 runs of a 4000x3000 photo, median times, sizes table
    python -m bench.images --runs 5 --width 8000 --height 6000   # a 48 MP phone photo

The photo is made with Pillow (no download): a seeded synthetic scene with soft shapes, gradients, texture
and sensor-like grain, saved as a phone would (JPEG quality 92, EXIF orientation 6, GPS), so that it
compresses about like a real photo; flat test cards would flatter the numbers. It runs the real
services.photo_create (decode, orient, strip, master, renditions, storage) against an in-memory SQLite
database and a temporary media folder. Not part of the test suite.
"""
import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def synthetic_photo(width: int, height: int, seed: int = 12) -> bytes:
    """A phone-like JPEG of a made-up outdoor scene, with EXIF orientation 6 and GPS."""
    from PIL import ExifTags, Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    sky = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", [
        sky.point(lambda v: 90 + v // 3), sky.point(lambda v: 140 + v // 4), sky.point(lambda v: 230 - v // 2),
    ])
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.55)
    draw.rectangle((0, horizon, width, height), fill=(70, 95, 50))
    for _ in range(900):  # hills, houses, trees, people: soft shapes of many sizes
        x, y = rng.randrange(width), rng.randrange(int(height * 0.3), height)
        size = int(rng.paretovariate(1.6) * width / 120)
        colour = tuple(rng.randrange(20, 230) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + size, y + size * rng.uniform(0.4, 1.5)), fill=colour)
        else:
            draw.rectangle((x, y, x + size, y + size * rng.uniform(0.5, 2.0)), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(2))
    texture = Image.effect_noise((width // 2, height // 2), 50).resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 12)
    image = Image.blend(image, Image.merge("RGB", [texture] * 3), 0.18)
    image = Image.blend(image, Image.merge("RGB", [grain] * 3), 0.08)

    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Bench phone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (22.0, 8.0, 49.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def setup_django(media_root: str, private_root: str):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.test")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"]["NAME"] = ":memory:"
    settings.MEDIA_ROOT = media_root
    settings.STORAGES = {**settings.STORAGES, "originals": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": private_root}}}
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.images", description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as media, tempfile.TemporaryDirectory() as private:
        setup_django(media, private)
        from django.conf import settings

        from photos import services, validation

        settings.NEWSROOM_PHOTO_MAX_BYTES = 64 * 1024 * 1024
        data = synthetic_photo(args.width, args.height)
        megapixels = args.width * args.height / 1e6
        print(f"input: {args.width}x{args.height} ({megapixels:.1f} MP) JPEG, {len(data) / 1e6:.2f} MB, "
              f"EXIF orientation 6 + GPS; Pillow {__import__('PIL').__version__}, {os.cpu_count()} CPU(s)")

        # Wall time depends on what else the machine runs; CPU time of this process is the steadier figure.
        steps = {"check (read, decode, orient, strip)": ([], []), "photo_create (all of it, stored)": ([], [])}
        photo = None
        for _ in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            validation.check_upload(data)
            steps["check (read, decode, orient, strip)"][0].append(time.perf_counter() - wall)
            steps["check (read, decode, orient, strip)"][1].append(time.process_time() - cpu)
            wall, cpu = time.perf_counter(), time.process_time()
            photo = services.photo_create(file=data, alt_text="Bench", credit="Bench", original_filename="bench.jpg")
            steps["photo_create (all of it, stored)"][0].append(time.perf_counter() - wall)
            steps["photo_create (all of it, stored)"][1].append(time.process_time() - cpu)
        print(f"load average (1 min) while measuring: {os.getloadavg()[0]:.1f}")
        for step, (walls, cpus) in steps.items():
            print(f"{step:36s} median wall {statistics.median(walls):.2f} s, CPU {statistics.median(cpus):.2f} s "
                  f"(wall per run: {', '.join(f'{s:.2f}' for s in walls)})")

        print(f"\nmaster (public, stripped, longest side capped at {validation.MASTER_MAX_SIDE}) "
              f"{photo.width}x{photo.height} {photo.format}: "
              f"{photo.image.size / 1024:.0f} KB; original kept privately: {photo.original.size / 1024:.0f} KB")
        print(f"\n{'width':>6} {'height':>6} {'WebP KB':>9} {'JPEG KB':>9} {'WebP/JPEG':>10}")
        sizes = {}
        for rendition in photo.renditions.all():
            sizes.setdefault((rendition.width, rendition.height), {})[rendition.format] = rendition.file.size
        for (width, height), by_format in sorted(sizes.items()):
            webp, jpeg = by_format.get("WEBP", 0), by_format.get("JPEG", 0)
            print(f"{width:>6} {height:>6} {webp / 1024:>9.0f} {jpeg / 1024:>9.0f} {webp / jpeg if jpeg else 0:>10.2f}")


if __name__ == "__main__":
    main()
