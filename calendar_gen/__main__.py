from calendar_gen.cli import main

main()
