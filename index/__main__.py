from index.cli.main import main

raise SystemExit(main())
