from django.core.management.base import BaseCommand, CommandError

from academy.models import Force
from academy.services import onboard_force


class Command(BaseCommand):
    help = (
        "Give member forces their training managers' group (the force approves its officers' "
        "requests to other cities first when it requires its own approval). Running it again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--force", type=int, metavar="ID", help="The id of one force")
        which.add_argument("--all", action="store_true", help="Every member force")
        approval = parser.add_mutually_exclusive_group()
        approval.add_argument(
            "--requires-own-approval",
            dest="requires_own_approval",
            action="store_const",
            const=True,
            help="The force's training managers approve its officers' requests first",
        )
        approval.add_argument(
            "--no-own-approval",
            dest="requires_own_approval",
            action="store_const",
            const=False,
            help="The force's officers ask the host academy directly",
        )

    def handle(self, *args, force=None, all=False, requires_own_approval=None, **options):
        forces = Force.objects.all() if all else Force.objects.filter(pk=force)
        if not forces.exists():
            raise CommandError("No such force.")
        for each in forces:
            result = onboard_force(each, requires_own_approval=requires_own_approval)
            for item in result.created:
                self.stdout.write(f"created {item}")
            self.stdout.write(f"{each}: {result.training_manager_group.name}")
