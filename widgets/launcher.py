"""The ``issei`` entry point, and the composition root of the whole program.

Headless verbs go to ``app.cli`` without importing Qt (a worker on a server needs no display);
``issei`` alone or ``issei gui`` opens the console. Options only the console understands
(``--lang``) are parsed here, from what the CLI's parser leaves over.
"""

from __future__ import annotations

import argparse
import sys

from app import cli


def console_options(rest: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="issei gui", add_help=False)
    parser.add_argument("--lang", choices=["ja", "en"],
                        help="表示言語（既定: 日本語） / display language")
    options, _ignored = parser.parse_known_args(rest)
    return options


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args, unknown = cli.build_parser().parse_known_args(argv)
    if args.verb in (None, "gui"):
        from app.config import ConfigError, load_config
        from app.logs import setup_logging

        args.lang = console_options(unknown).lang
        try:
            config = load_config(args.config, args.data_dir)
        except ConfigError as exc:
            print(f"設定エラー: {exc}", file=sys.stderr)
            return cli.EXIT_INVALID
        setup_logging(config.data_dir, verbose=args.verbose, json_stderr=args.log_json)
        from widgets.app import run_console

        return run_console(config, args)
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
